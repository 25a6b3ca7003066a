/**
 * The kernel's magics and jshell commands, named as in the Java notebook world (IJava/JJava, IPython):
 * {@code %lsmagic}, {@code %classpath}, {@code %jars}, {@code %maven}, {@code %load}, {@code %time} and
 * {@code %%time}, {@code /vars}, {@code /imports}, {@code /methods}, {@code /types}. {@link Magics} dispatches;
 * each concept has its class.
 */
package io.lithosj.jupyter.magic;
