package io.lithosj.cli;

import io.lithosj.os.Policies;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code lithos policies}: every policy with its parameters and defaults. */
@Command(name = "policies", mixinStandardHelpOptions = true, description = "List the policies, their parameters and defaults.")
final class PoliciesCommand implements Callable<Integer> {
  @Override
  public Integer call() throws IllegalAccessException {
    for (String name : Policies.names()) {
      System.out.println(name + ": " + Policies.summary(name));
      Object d = Policies.defaults(name);
      for (Field f : d.getClass().getFields()) {
        if (Modifier.isStatic(f.getModifiers())) continue;
        System.out.println("    " + f.getName() + " = " + f.get(d));
      }
    }
    return 0;
  }
}
