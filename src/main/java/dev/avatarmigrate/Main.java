package dev.avatarmigrate;
public final class Main { public static void main(String[] a) {} }
