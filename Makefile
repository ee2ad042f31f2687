# The book and the program, built from chapters/*.nw.  `make help` lists the targets.
#
# Snapshot N is chapters 01..N tangled together: the engine as it stands at the end of
# chapter N. For every N:
#   tangle/chapterN/      readable C of snapshot N (notangle without #line)
#   build/chapterN/src/   the same files with #line directives: what gets compiled, so
#                         compiler errors and test failures name chapters/*.nw lines
#   build/chapterN/       libmicrograd.a, demoN, demoN.out, checkpoints (the test runner)
#   build/chapterN/run/   the working directory of demoN: the DOT and data files it writes
# The book: build/book/ (HTML, figures in build/book/fig/) and build/book.pdf.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

CHAPTERS   := $(sort $(wildcard chapters/[0-9][0-9]-*.nw))
APPENDICES := $(sort $(wildcard chapters/[A-Z]-*.nw))
BOOK_NW    := $(CHAPTERS) $(APPENDICES)
NUMBERS    := $(shell seq 1 $(words $(CHAPTERS)))
LAST       := $(lastword $(NUMBERS))

CC       := gcc
CFLAGS   := -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -g -ffp-contract=off
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1
# Evaluated when used, after tools/install-deps has run:
CHECK_LIBS = $(shell pkg-config --libs check)
VALGRIND   = valgrind --quiet --error-exitcode=1 --leak-check=full \
             --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect

DEPS := build/.deps
FUZZERS := build/fuzz/engine build/fuzz/readers build/fuzz/nn build/fuzz/train   # libFuzzer targets ("fuzzing" below)
SPEED   := $(if $(wildcard chapters/C-*.nw),build/appendixC/speed)   # appendix C's program

.PHONY: all help tangle html pdf book check clean deps sanitize valgrind pipeline-tests fuzz \
        bench train trainer-tests \
        $(addprefix chapter,$(NUMBERS)) $(addprefix exercise,$(NUMBERS))

all: $(DEPS) $(foreach n,$(NUMBERS),build/chapter$(n)/figures.stamp) book tangle ## build every snapshot, run the demos, make the figures, weave the book
	@tools/made $(LAST)

help: ## list the targets
	@echo "Targets (snapshot N is chapters 1..N; N runs from 1 to $(LAST)):"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([^:]*):.*## (.*)/\1\t\2/' | \
	    while IFS=$$'\t' read -r t d; do printf '  %-20s%s\n' "$$t" "$$d"; done
	@printf '  %-20s%s\n' chapterN "tangle, compile and run snapshot N; run the checkpoints of chapters 1..N" \
	    exerciseN "check your own solutions in exercises/chapterN.c against chapter N's tests"

deps: $(DEPS) ## install the missing Debian packages (tools/install-deps)

$(DEPS): tools/install-deps
	tools/install-deps
	@mkdir -p $(@D) && touch $@

# ---- snapshots --------------------------------------------------------------------------

# chapters_upto(N): chapters 01..N, in book order.
chapters_upto = $(wordlist 1,$(1),$(CHAPTERS))

# The folder of the reader's solutions, exercises/chapterN.c (tests/check-engine/run points it
# elsewhere, to try broken solutions).
EXERCISES := exercises

define SNAPSHOT
tangle/chapter$(1)/.tangled: $(call chapters_upto,$(1)) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle tangle/chapter$(1) $(call chapters_upto,$(1))

build/chapter$(1)/src/.tangled: $(call chapters_upto,$(1)) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle -L build/chapter$(1)/src $(call chapters_upto,$(1))

build/chapter$(1)/libmicrograd.a: build/chapter$(1)/src/.tangled
	rm -f $$@ build/chapter$(1)/*.o
	for c in build/chapter$(1)/src/*.c; do \
	    case $$$$c in */demo*.c|*/train.c|*/bench.c) continue ;; esac; \
	    $(CC) $(CFLAGS) -c $$$$c -o build/chapter$(1)/$$$$(basename $$$$c .c).o; \
	done
	ar rcs $$@ build/chapter$(1)/*.o

build/chapter$(1)/demo$(1): build/chapter$(1)/libmicrograd.a
	$(CC) $(CFLAGS) -Ibuild/chapter$(1)/src build/chapter$(1)/src/demo$(1).c $$< -lm -o $$@

# Programs besides demoN (the trainer, the benchmark): any root train.c or bench.c.
build/chapter$(1)/train build/chapter$(1)/bench: build/chapter$(1)/%: build/chapter$(1)/libmicrograd.a
	$(CC) $(CFLAGS) -Ibuild/chapter$(1)/src build/chapter$(1)/src/$$*.c $$< -lm -o $$@

build/chapter$(1)/demo$(1).out: build/chapter$(1)/demo$(1)
	rm -rf build/chapter$(1)/run && mkdir -p build/chapter$(1)/run
	cd build/chapter$(1)/run && ../demo$(1) > ../demo$(1).out.tmp
	mv build/chapter$(1)/demo$(1).out.tmp $$@

build/chapter$(1)/figures.stamp: build/chapter$(1)/demo$(1).out tools/figures
	tools/figures $(1) build/chapter$(1) build/book/fig
	touch $$@

build/chapter$(1)/checkpoints: tests/main.c $(foreach k,$(call chapters_upto_n,$(1)),tests/checkpoint$(k).c tests/exercises$(k).c tests/exercises$(k).h) $(wildcard tests/*.h) build/solutions/.tangled build/chapter$(1)/libmicrograd.a
	$(CC) $(CFLAGS) -DCHAPTER=$(1) -Ibuild/chapter$(1)/src -Itests -o $$@ tests/main.c \
	    $(foreach k,$(call chapters_upto_n,$(1)),tests/checkpoint$(k).c tests/exercises$(k).c build/solutions/solutions$(k).c) \
	    build/chapter$(1)/libmicrograd.a $$(CHECK_LIBS) -lm

chapter$(1): $(DEPS) tangle/chapter$(1)/.tangled build/chapter$(1)/figures.stamp build/chapter$(1)/checkpoints
	@echo "== demo$(1) (build/chapter$(1)/demo$(1).out) =="
	@cat build/chapter$(1)/demo$(1).out
	@echo "== checkpoints of chapters 1..$(1) on snapshot $(1) =="
	build/chapter$(1)/checkpoints
	@tools/report $(1)

exercise$(1): build/chapter$(1)/libmicrograd.a tests/exercises$(1).c tests/exercises$(1).h $(wildcard tests/*.h)
	@test -f $(EXERCISES)/chapter$(1).c || { echo "exercise$(1): write your solutions in $(EXERCISES)/chapter$(1).c (the prototypes are in tests/exercises$(1).h)" >&2; exit 1; }
	$(CC) $(CFLAGS) -DEXERCISES_ONLY=$(1) -Ibuild/chapter$(1)/src -Itests -o build/chapter$(1)/my-exercises \
	    tests/main.c tests/exercises$(1).c $(EXERCISES)/chapter$(1).c build/chapter$(1)/libmicrograd.a $$(CHECK_LIBS) -lm
	build/chapter$(1)/my-exercises
endef

chapters_upto_n = $(wordlist 1,$(1),$(NUMBERS))

$(foreach n,$(NUMBERS),$(eval $(call SNAPSHOT,$(n))))

build/solutions/.tangled: $(APPENDICES) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle -L build/solutions chapters/A-solutions.nw

tangle: $(foreach n,$(NUMBERS),tangle/chapter$(n)/.tangled) ## tangle every snapshot into tangle/chapterN/

# ---- the trainer and the benchmark ------------------------------------------------------
# Chapter 6 introduces the roots train.c and bench.c: the trainer build/chapter6/train and
# the benchmark build/chapter6/bench. bench.out is the benchmark's output as the book reads
# it: part [bench] as printed, part [values] with the first two words of each figure line.
PROGRAMS_CHAPTER := 6
ifneq ($(filter $(PROGRAMS_CHAPTER),$(NUMBERS)),)
TRAIN     := build/chapter$(PROGRAMS_CHAPTER)/train
BENCH     := build/chapter$(PROGRAMS_CHAPTER)/bench
BENCH_OUT := build/chapter$(PROGRAMS_CHAPTER)/bench.out

all: $(TRAIN)
chapter$(PROGRAMS_CHAPTER): $(TRAIN)

$(BENCH_OUT): $(BENCH)
	$(BENCH) > $@.raw
	{ echo '[bench]'; cat $@.raw; echo '[values]'; grep -v '^#' $@.raw | cut -d' ' -f1,2; } > $@.tmp
	rm -f $@.raw && mv $@.tmp $@

bench: $(DEPS) $(BENCH) $(SPEED) ## run the benchmarks: chapter 6's moons training, and appendix C's fast pass
	@$(BENCH)
	@$(if $(SPEED),$(SPEED) --bench)

train: $(DEPS) $(TRAIN) ## build the trainer build/chapter6/train and run it (see train --help)
	$(TRAIN)

trainer-tests: $(DEPS) $(TRAIN) build/chapter$(PROGRAMS_CHAPTER)/figures.stamp ## test the trainer: its output, reproducibility, every input error
	tests/trainer/run $(TRAIN) build/chapter$(PROGRAMS_CHAPTER)/run
endif

# ---- appendix programs ------------------------------------------------------------------
# An appendix X-name.nw other than A (the solutions) defines root files NAME.c: programs
# compiled against the last snapshot's library. Each runs in build/appendixX/run/ and its
# output, build/appendixX/NAME.out, is woven into the book like a demo's; its chX_*.gp and the
# DOT files chX_*.dot it writes become figures, as a chapter's do.
PROGRAM_APPENDICES := $(filter-out chapters/A-%,$(APPENDICES))
appendix_letter = $(firstword $(subst -, ,$(notdir $(1))))

define APPENDIX
build/appendix$(2)/src/.tangled: $(1) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle -L build/appendix$(2)/src $(1)

build/appendix$(2)/programs.stamp: build/appendix$(2)/src/.tangled build/chapter$(LAST)/libmicrograd.a
	rm -rf build/appendix$(2)/run && mkdir -p build/appendix$(2)/run
	for c in build/appendix$(2)/src/*.c; do \
	    p=$$$$(basename $$$$c .c); \
	    $(CC) $(CFLAGS) -Ibuild/chapter$(LAST)/src $$$$c build/chapter$(LAST)/libmicrograd.a \
	        -lm -o build/appendix$(2)/$$$$p; \
	    (cd build/appendix$(2)/run && ../$$$$p > ../$$$$p.out.tmp); \
	    mv build/appendix$(2)/$$$$p.out.tmp build/appendix$(2)/$$$$p.out; \
	done
	tools/figures $(2) build/appendix$(2) build/book/fig
	touch $$@
endef
$(foreach f,$(PROGRAM_APPENDICES),$(eval $(call APPENDIX,$(f),$(call appendix_letter,$(f)))))
APPENDIX_STAMPS := $(foreach f,$(PROGRAM_APPENDICES),build/appendix$(call appendix_letter,$(f))/programs.stamp)
$(SPEED): build/appendixC/programs.stamp

# ---- the book ---------------------------------------------------------------------------

FIGURES := $(foreach n,$(NUMBERS),build/chapter$(n)/figures.stamp) $(APPENDIX_STAMPS)
WEAVE   := tools/nw2md tools/book.lua tools/page.html tools/book.css tools/book-version \
           $(wildcard chapters/preface.md)

build/book/index.html: $(BOOK_NW) $(FIGURES) $(BENCH_OUT) $(WEAVE) tools/weave-html | $(DEPS)
	tools/weave-html build build/book $(BOOK_NW)

build/book.pdf: $(BOOK_NW) $(FIGURES) $(BENCH_OUT) $(WEAVE) tools/weave-pdf tools/nwbook.sty \
                tools/latexmkrc tools/book.ist | $(DEPS)
	tools/weave-pdf build build/book.pdf $(BOOK_NW)

build/book.epub: $(BOOK_NW) $(FIGURES) $(BENCH_OUT) $(WEAVE) tools/weave-epub tools/epub.css | $(DEPS)
	tools/weave-epub build build/book.epub $(BOOK_NW)

html: build/book/index.html ## weave the HTML book: build/book/index.html
pdf: build/book.pdf ## weave the PDF book: build/book.pdf
.PHONY: epub
epub: build/book.epub ## weave the EPUB book: build/book.epub
book: html pdf epub ## all three

# ---- checks -----------------------------------------------------------------------------

build/sanitize/checkpoints: build/chapter$(LAST)/src/.tangled build/solutions/.tangled tests/main.c $(wildcard tests/*.c tests/*.h)
	mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANITIZE) -DCHAPTER=$(LAST) -Ibuild/chapter$(LAST)/src -Itests -o $@ tests/main.c \
	    $(foreach k,$(NUMBERS),tests/checkpoint$(k).c tests/exercises$(k).c build/solutions/solutions$(k).c) \
	    $$(ls build/chapter$(LAST)/src/*.c | grep -vE '/(demo[0-9]+|train|bench)\.c$$') $(CHECK_LIBS) -lm

sanitize: $(DEPS) build/sanitize/checkpoints ## run every checkpoint under AddressSanitizer and UBSan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 build/sanitize/checkpoints

valgrind: $(DEPS) build/chapter$(LAST)/checkpoints $(TRAIN) ## run every checkpoint, every demo and the trainer under valgrind
	$(VALGRIND) build/chapter$(LAST)/checkpoints
	for n in $(NUMBERS); do (cd build/chapter$$n/run && $(VALGRIND) ../demo$$n > /dev/null); done
	$(if $(TRAIN),$(VALGRIND) $(TRAIN) > /dev/null)

pipeline-tests: $(DEPS) ## test the build itself: errors point at .nw lines, bad webs stop cleanly
	tests/pipeline/run

check: $(DEPS) $(FIGURES) $(FUZZERS) build/limits/oom $(SPEED) $(foreach n,$(NUMBERS),build/chapter$(n)/checkpoints) build/sanitize/checkpoints $(TRAIN) book tangle ## run every check; the last line sums them up
	FUZZERS="$(FUZZERS)" FUZZ_SECONDS=$(FUZZ_SHORT) tools/run-checks $(LAST)

clean: ## remove everything generated (tangle/ and build/)
	rm -rf tangle build

# ---- checking a reader's own engine -----------------------------------------------------

.PHONY: check-engine check-engine-tests

# DIR, CHAPTER and OUT (where the objects and logs go; default build/check-engine) reach the
# tool through the environment, unexpanded: a folder named eng$$x or with a backtick in its
# name is taken literally, by make and by the shell.
check-engine: export CHECK_ENGINE_DIR = $(value DIR)
check-engine: export CHECK_ENGINE_CHAPTER = $(value CHAPTER)
check-engine: export CHECK_ENGINE_OUT = $(value OUT)
check-engine: $(DEPS) tangle/chapter$(LAST)/.tangled ## check your own engine: make check-engine DIR=path CHAPTER=N (see README)
	@tools/check-engine "$$CHECK_ENGINE_DIR" "$$CHECK_ENGINE_CHAPTER" $(LAST) "$$CHECK_ENGINE_OUT"

check-engine-tests: $(DEPS) tangle ## test check-engine on the book's engine and on broken copies of it
	tests/check-engine/run $(LAST)

# ---- fuzzing ----------------------------------------------------------------------------
# libFuzzer targets (tests/fuzz/*.c) built with clang against the last snapshot's sources:
# engine (micrograd.c), readers (the trainer's two readers), nn (networks and training:
# nn.c, training.c) and train (the trainer's command line: train.c itself, main renamed).
# `make fuzz` fuzzes each for SECONDS (default 60, at least 1: libFuzzer reads 0 as no limit,
# so SECONDS=0 is refused); `make check` runs a short pass of FUZZ_SHORT seconds each, two
# targets at a time.

FUZZ_CC     := clang
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Werror -g -O1 -ffp-contract=off \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
SECONDS     ?= 60
FUZZ_SHORT  := 4
FUZZ_LIB     = $$(ls build/chapter$(LAST)/src/*.c | grep -vE '/(demo[0-9]+|train|bench)\.c$$')

ifneq ($(filter fuzz,$(MAKECMDGOALS)),)
ifeq ($(shell [ "$(SECONDS)" -ge 1 ] 2>/dev/null && echo ok),)
$(error make fuzz: SECONDS must be a whole number of seconds from 1, not '$(SECONDS)' (libFuzzer would read 0 as no time limit))
endif
endif

build/fuzz/readers build/fuzz/nn: build/fuzz/%: tests/fuzz/%.c build/chapter$(LAST)/src/.tangled | $(DEPS)
	mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Ibuild/chapter$(LAST)/src -o $@ $< $(FUZZ_LIB) -lm

build/fuzz/engine: tests/fuzz/engine.c build/chapter$(LAST)/src/.tangled | $(DEPS)
	mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Ibuild/chapter$(LAST)/src -o $@ $< \
	    build/chapter$(LAST)/src/micrograd.c -lm

build/fuzz/train: tests/fuzz/train.c build/chapter$(LAST)/src/.tangled | $(DEPS)
	mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Dmain=train_main -Ibuild/chapter$(LAST)/src -o $@ $< \
	    build/chapter$(LAST)/src/train.c $(FUZZ_LIB) -lm

fuzz: $(DEPS) $(FUZZERS) ## fuzz the engine, the readers, the networks and the trainer's command line for SECONDS each (default 60, at least 1)
	tests/fuzz/run $(SECONDS) $(FUZZERS)

# ---- limits -----------------------------------------------------------------------------
# tests/limits/oom.c: the engine under a limited address space (not under ASan or valgrind).

build/limits/oom: tests/limits/oom.c tests/expect_stop.h build/chapter$(LAST)/libmicrograd.a
	mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ibuild/chapter$(LAST)/src -Itests -o $@ $< \
	    build/chapter$(LAST)/libmicrograd.a $(CHECK_LIBS) -lm
