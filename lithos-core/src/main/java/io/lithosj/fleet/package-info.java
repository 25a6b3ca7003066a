/**
 * Fleet capacity studies: how many GPUs a set of inference services and training jobs needs under
 * each sharing policy while every service meets its SLO. Tenants are packed first-fit decreasing
 * on their measured solo utilisation, every GPU's stack is checked by simulating it, and a GPU
 * whose services miss their SLO is split in two and checked again. The simulations of each round
 * are independent points run by a {@link io.lithosj.sweep.PointRunner} (in process or on Spark).
 */
package io.lithosj.fleet;
