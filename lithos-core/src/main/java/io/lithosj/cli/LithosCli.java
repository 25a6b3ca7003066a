package io.lithosj.cli;

public final class LithosCli {
  public static void main(String[] args) { System.out.println("lithos"); }
}
