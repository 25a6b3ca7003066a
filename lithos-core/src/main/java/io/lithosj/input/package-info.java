/** Reading the files users give (scenarios, calibrations): where in a file an error is, said one way everywhere. */
package io.lithosj.input;
