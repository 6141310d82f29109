package dev.avatarmigrate.engine;

/** One compare-and-set row rewrite: rows whose path is {@code oldPath} get {@code newPath}. */
public record PathRewrite(String oldPath, String newPath) {}
