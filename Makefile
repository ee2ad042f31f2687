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
# As many jobs as the machine has processors, unless the command line says otherwise (-jN):
# a plain `make` or `make check` from a fresh clone uses both cores of a 2-core machine.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif

CHAPTERS   := $(sort $(wildcard chapters/[0-9][0-9]-*.nw))
APPENDICES := $(sort $(wildcard chapters/[A-Z]-*.nw))
BOOK_NW    := $(CHAPTERS) $(APPENDICES)
NUMBERS    := $(shell seq 1 $(words $(CHAPTERS)))
LAST       := $(lastword $(NUMBERS))

CC       := gcc
CFLAGS   := -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -g -ffp-contract=off
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1
# Evaluated when used, after tools/install-deps has run:
CHECK_LIBS = $(shell pkg-config --libs check)
VALGRIND   = valgrind --quiet --error-exitcode=1 --leak-check=full \
             --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect

DEPS := build/.deps
FUZZERS := build/fuzz/engine build/fuzz/readers build/fuzz/nn build/fuzz/train   # libFuzzer targets ("fuzzing" below)

.PHONY: all help tangle html pdf book check clean deps sanitize valgrind pipeline-tests fuzz reproducible-check \
        bench train program-tests \
        $(addprefix chapter,$(NUMBERS)) $(addprefix exercise,$(NUMBERS))

all: $(DEPS) $(foreach n,$(NUMBERS),build/chapter$(n)/figures.stamp) book tangle ## build every snapshot, run the demos, make the figures, weave the book
	@tools/made $(LAST)

help: ## list the targets
	@echo "Targets (snapshot N is chapters 1..N; N runs from 1 to $(LAST)):"
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/^([^:]*):.*## (.*)/\1\t\2/' | \
	    while IFS=$$'\t' read -r t d; do printf '  %-20s%s\n' "$$t" "$$d"; done
	@printf '  %-20s%s\n' chapterN "tangle, compile and run snapshot N; run the checkpoints of chapters 1..N" \
	    exerciseN "check your own solutions in exercises/chapterN.c against chapter N's tests"

deps: $(DEPS) ## install the missing Debian packages (tools/install-deps)

$(DEPS): tools/install-deps
	tools/install-deps
	@mkdir -p $(@D) && touch $@

# ---- snapshots --------------------------------------------------------------------------
# One naming rule, stated once (chapters/README.md): a root chunk is a file of a snapshot,
#   lib/NAME.c, lib/NAME.h    the library a reader links (libmicrograd.a)
#   book/NAME.c, book/NAME.h  the book's own helpers for its programs (libbook.a)
#   programs/NAME.c           a program, linked with both: build/chapterN/NAME
#   plots/chN_NAME.gp         a gnuplot script of chapter N's figures
#   solutions/solutionsN.c    appendix A: the solutions of chapter N's exercises
# Snapshot N builds and runs the programs whose code chapter N itself writes (its demoN, and
# any program it starts or extends); each runs in build/chapterN/run/ and its standard output
# is build/chapterN/NAME.out, which the book reads. Tests are found by name in tests/ (see
# tools/suites). Nothing here lists chapters, programs or files by hand.

# roots_in(files): the root chunks these .nw files define, by the rule above.
roots_in = $(sort $(shell sed -nE 's/^<<((lib|book|programs|plots|solutions)\/[^>]+)>>\+?=.*/\1/p' $(1)))
# chapters_upto(N): chapters 01..N, in book order.
chapters_upto = $(wordlist 1,$(1),$(CHAPTERS))
chapters_upto_n = $(wordlist 1,$(1),$(NUMBERS))
# the tests of chapters 1..N that exist, and the solutions that go with the exercises
tests_upto = $(wildcard $(foreach k,$(call chapters_upto_n,$(1)),tests/checkpoint$(k).c tests/exercises$(k).c))
solutions_upto = $(foreach k,$(call chapters_upto_n,$(1)),$(if $(wildcard tests/exercises$(k).c),build/appendixA/src/solutions/solutions$(k).c))

# The folder of the reader's solutions, exercises/chapterN.c (tests/check-engine/run points it
# elsewhere, to try broken solutions).
EXERCISES := exercises

# The readable tangle of every snapshot: tangle/chapterN/{lib,book,programs,plots}/
define READABLE
tangle/chapter$(1)/.tangled: $(call chapters_upto,$(1)) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle tangle/chapter$(1) $(call chapters_upto,$(1))
endef

# COMPILED(DIR, ROOTS, INCLUDE-DIRS): objects, libmicrograd.a and libbook.a in DIR from the
# #line tangle DIR/src/; ROOTS are its files.
define COMPILED
$(addprefix $(1)/src/,$(2)): $(1)/src/.tangled ;
$(1)/obj/%.o: $(1)/src/%.c
	@mkdir -p $$(@D)
	$(CC) $(CFLAGS) -MMD -MP $(addprefix -I,$(3)) -c $$< -o $$@
-include $(wildcard $(1)/obj/*/*.d)
endef

define SNAPSHOT
S$(1)     := build/chapter$(1)
ROOTS$(1) := $(call roots_in,$(call chapters_upto,$(1)))
OWN$(1)   := $(call roots_in,$(word $(1),$(CHAPTERS)))
PROGS$(1) := $$(patsubst programs/%.c,%,$$(filter programs/%.c,$$(OWN$(1))))

$(eval $(call READABLE,$(1)))
build/chapter$(1)/src/.tangled: $(call chapters_upto,$(1)) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle -L build/chapter$(1)/src $(call chapters_upto,$(1))
$$(eval $$(call COMPILED,build/chapter$(1),$$(ROOTS$(1)),build/chapter$(1)/src/lib build/chapter$(1)/src/book))

build/chapter$(1)/libmicrograd.a: $$(patsubst %.c,build/chapter$(1)/obj/%.o,$$(filter lib/%.c,$$(ROOTS$(1))))
	rm -f $$@ && ar rcs $$@ $$^
build/chapter$(1)/libbook.a: $$(patsubst %.c,build/chapter$(1)/obj/%.o,$$(filter book/%.c,$$(ROOTS$(1))))
	rm -f $$@ && ar rcs $$@ $$^

$$(addprefix build/chapter$(1)/,$$(PROGS$(1))): build/chapter$(1)/%: build/chapter$(1)/obj/programs/%.o build/chapter$(1)/libbook.a build/chapter$(1)/libmicrograd.a
	$(CC) $(CFLAGS) -o $$@ $$^ -lm
# A program is run again when its code changed (the readable tangle: a prose edit that only
# moves #line numbers relinks the program but does not run it again).
$$(addprefix tangle/chapter$(1)/,$$(ROOTS$(1))): tangle/chapter$(1)/.tangled ;
$$(addprefix build/chapter$(1)/,$$(addsuffix .ran,$$(PROGS$(1)))): build/chapter$(1)/%.ran: tangle/chapter$(1)/programs/%.c $$(addprefix tangle/chapter$(1)/,$$(filter lib/% book/%,$$(ROOTS$(1)))) tools/run-program | build/chapter$(1)/%
	tools/run-program build/chapter$(1)/$$* build/chapter$(1)/run build/chapter$(1)/$$*.out
	touch $$@
$$(addprefix build/chapter$(1)/,$$(addsuffix .out,$$(PROGS$(1)))): build/chapter$(1)/%.out: build/chapter$(1)/%.ran ;

build/chapter$(1)/figures.stamp: $$(addprefix build/chapter$(1)/,$$(addsuffix .out,$$(PROGS$(1)))) $$(addprefix tangle/chapter$(1)/,$$(filter plots/%,$$(OWN$(1)))) tools/figures
	tools/figures $(1) build/chapter$(1) build/book/fig
	touch $$@

build/chapter$(1)/suites.h: tools/suites $$(call tests_upto,$(1)) | build/chapter$(1)/src/.tangled
	mkdir -p $$(@D) && tools/suites $(1) > $$@.tmp && mv $$@.tmp $$@
build/chapter$(1)/checkpoints: tests/main.c build/chapter$(1)/suites.h $$(call tests_upto,$(1)) $(wildcard tests/*.h) $$(call solutions_upto,$(1)) build/chapter$(1)/libmicrograd.a
	$(CC) $(CFLAGS) -Ibuild/chapter$(1) -Ibuild/chapter$(1)/src/lib -Itests -o $$@ tests/main.c \
	    $$(call tests_upto,$(1)) $$(call solutions_upto,$(1)) build/chapter$(1)/libmicrograd.a $$(CHECK_LIBS) -lm

chapter$(1): $(DEPS) tangle/chapter$(1)/.tangled build/chapter$(1)/figures.stamp build/chapter$(1)/checkpoints
	@$$(if $$(filter demo$(1),$$(PROGS$(1))),echo "== demo$(1) (build/chapter$(1)/demo$(1).out) ==" && cat build/chapter$(1)/demo$(1).out)
	@echo "== checkpoints of chapters 1..$(1) on snapshot $(1) =="
	build/chapter$(1)/checkpoints
	@tools/report $(1)

exercise$(1): build/chapter$(1)/libmicrograd.a tests/exercises$(1).c tests/exercises$(1).h $(wildcard tests/*.h) tools/suites
	@test -f $(EXERCISES)/chapter$(1).c || { echo "exercise$(1): write your solutions in $(EXERCISES)/chapter$(1).c (the prototypes are in tests/exercises$(1).h)" >&2; exit 1; }
	tools/suites --exercises $(1) > build/chapter$(1)/my-suites.h
	$(CC) $(CFLAGS) -DSUITES_H='"my-suites.h"' -Ibuild/chapter$(1) -Ibuild/chapter$(1)/src/lib -Itests -o build/chapter$(1)/my-exercises \
	    tests/main.c tests/exercises$(1).c $(EXERCISES)/chapter$(1).c build/chapter$(1)/libmicrograd.a $$(CHECK_LIBS) -lm
	build/chapter$(1)/my-exercises
endef

$(foreach n,$(NUMBERS),$(eval $(call SNAPSHOT,$(n))))
LIB_SRC := $(addprefix build/chapter$(LAST)/src/,$(filter lib/%.c,$(ROOTS$(LAST))))
LIB_INC := -Ibuild/chapter$(LAST)/src/lib

# Appendix A's solutions, tangled on their own.
build/appendixA/src/.tangled: $(wildcard chapters/A-*.nw) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle -L build/appendixA/src $(wildcard chapters/A-*.nw)
$(eval $(call COMPILED,build/appendixA,$(call roots_in,$(wildcard chapters/A-*.nw)),))

tangle: $(foreach n,$(NUMBERS),tangle/chapter$(n)/.tangled) ## tangle every snapshot into tangle/chapterN/

# ---- appendix programs ------------------------------------------------------------------
# An appendix X-name.nw other than A (the solutions) defines root files programs/NAME.c:
# programs compiled against the last snapshot's libraries. Each runs in build/appendixX/run/
# and its output, build/appendixX/NAME.out, is woven into the book like a demo's; its
# plots/chX_*.gp and the DOT files chX_*.dot it writes become figures, as a chapter's do.
PROGRAM_APPENDICES := $(filter-out chapters/A-%,$(APPENDICES))
appendix_letter = $(firstword $(subst -, ,$(notdir $(1))))

define APPENDIX
AROOTS$(2) := $(call roots_in,$(1))
APROGS$(2) := $$(patsubst programs/%.c,%,$$(filter programs/%.c,$$(AROOTS$(2))))
build/appendix$(2)/src/.tangled: $(1) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle -L build/appendix$(2)/src $(1)
tangle/appendix$(2)/.tangled: $(1) tools/tangle tools/nwcheck | $(DEPS)
	tools/tangle tangle/appendix$(2) $(1)
$$(addprefix tangle/appendix$(2)/,$$(AROOTS$(2))): tangle/appendix$(2)/.tangled ;
$$(eval $$(call COMPILED,build/appendix$(2),$$(AROOTS$(2)),build/chapter$(LAST)/src/lib build/chapter$(LAST)/src/book))
$$(addprefix build/appendix$(2)/,$$(APROGS$(2))): build/appendix$(2)/%: build/appendix$(2)/obj/programs/%.o build/chapter$(LAST)/libbook.a build/chapter$(LAST)/libmicrograd.a
	$(CC) $(CFLAGS) -o $$@ $$^ -lm
$$(addprefix build/appendix$(2)/,$$(addsuffix .ran,$$(APROGS$(2)))): build/appendix$(2)/%.ran: tangle/appendix$(2)/programs/%.c $$(addprefix tangle/chapter$(LAST)/,$$(filter lib/% book/%,$$(ROOTS$(LAST)))) tools/run-program | build/appendix$(2)/%
	tools/run-program build/appendix$(2)/$$* build/appendix$(2)/run build/appendix$(2)/$$*.out
	touch $$@
$$(addprefix build/appendix$(2)/,$$(addsuffix .out,$$(APROGS$(2)))): build/appendix$(2)/%.out: build/appendix$(2)/%.ran ;
build/appendix$(2)/figures.stamp: $$(addprefix build/appendix$(2)/,$$(addsuffix .out,$$(APROGS$(2)))) $$(addprefix tangle/appendix$(2)/,$$(filter plots/%,$$(AROOTS$(2)))) tools/figures
	tools/figures $(2) build/appendix$(2) build/book/fig
	touch $$@
APPENDIX_PROGRAMS += $$(addprefix build/appendix$(2)/,$$(APROGS$(2)))
endef
$(foreach f,$(PROGRAM_APPENDICES),$(eval $(call APPENDIX,$(f),$(call appendix_letter,$(f)))))
APPENDIX_STAMPS := $(foreach f,$(PROGRAM_APPENDICES),build/appendix$(call appendix_letter,$(f))/figures.stamp)

# ---- programs with a protocol -------------------------------------------------------------
# The trainer is programs/train.c; the benchmark, programs/bench.c: the last snapshot that
# builds each. A program of an appendix that takes --bench is a benchmark too (make bench);
# one that takes --check has a self-check (make check). A program P with tests of its own has
# them in tests/programs/P/run, which make check runs as `run PROGRAM RUNDIR`.
last_with = $(lastword $(foreach n,$(NUMBERS),$(if $(filter $(1),$(PROGS$(n))),build/chapter$(n)/$(1))))
TRAIN := $(call last_with,train)
BENCH := $(call last_with,bench)

bench: $(DEPS) $(BENCH) $(APPENDIX_PROGRAMS) ## run the benchmarks: every figure as a line `name value unit`
	@$(if $(BENCH),$(BENCH))
	@for p in $(APPENDIX_PROGRAMS); do if grep -q -- '"--bench"' $$(dirname $$p)/src/programs/$$(basename $$p).c; then $$p --bench; fi; done

train: $(DEPS) $(TRAIN) ## build the trainer (programs/train.c of the last snapshot that has it) and run it
	$(if $(TRAIN),$(TRAIN),@echo "train: no chapter has a trainer yet" >&2; exit 1)

program-tests: $(DEPS) $(TRAIN) $(foreach n,$(NUMBERS),build/chapter$(n)/figures.stamp) ## the tests of the programs (tests/programs/P/run): the trainer's output, reproducibility, every input error
	tools/run-checks --programs-only $(LAST)

# ---- the book ---------------------------------------------------------------------------

FIGURES := $(foreach n,$(NUMBERS),build/chapter$(n)/figures.stamp) $(APPENDIX_STAMPS)
WEAVE   := tools/nw2md tools/book.lua tools/page.html tools/book.css tools/book-version \
           $(wildcard chapters/preface.md)

build/book/index.html: $(BOOK_NW) $(FIGURES) $(WEAVE) tools/weave-html | $(DEPS)
	tools/weave-html build build/book $(BOOK_NW)

build/book.pdf: $(BOOK_NW) $(FIGURES) $(WEAVE) tools/weave-pdf tools/nwbook.sty \
                tools/latexmkrc tools/book.ist | $(DEPS)
	tools/weave-pdf build build/book.pdf $(BOOK_NW)

build/book.epub: $(BOOK_NW) $(FIGURES) $(WEAVE) tools/weave-epub tools/epub.css | $(DEPS)
	tools/weave-epub build build/book.epub $(BOOK_NW)

html: build/book/index.html ## weave the HTML book: build/book/index.html
pdf: build/book.pdf ## weave the PDF book: build/book.pdf
.PHONY: epub
epub: build/book.epub ## weave the EPUB book: build/book.epub
book: html pdf epub ## all three

# ---- checks -----------------------------------------------------------------------------

build/sanitize/checkpoints: tests/main.c build/chapter$(LAST)/suites.h $(call tests_upto,$(LAST)) $(wildcard tests/*.h) $(call solutions_upto,$(LAST)) $(LIB_SRC)
	mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ASAN_FLAGS) -Ibuild/chapter$(LAST) $(LIB_INC) -Itests -o $@ tests/main.c \
	    $(call tests_upto,$(LAST)) $(call solutions_upto,$(LAST)) $(LIB_SRC) $(CHECK_LIBS) -lm

sanitize: $(DEPS) build/sanitize/checkpoints ## run every checkpoint under AddressSanitizer and UBSan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 build/sanitize/checkpoints

valgrind: $(DEPS) build/chapter$(LAST)/checkpoints $(foreach n,$(NUMBERS),build/chapter$(n)/figures.stamp) ## run every checkpoint and every chapter's demo under valgrind
	CK_EXCLUDE_TAGS=statistics $(VALGRIND) build/chapter$(LAST)/checkpoints
	for n in $(NUMBERS); do (cd build/chapter$$n/run && $(VALGRIND) ../demo$$n > /dev/null); done

reproducible-check: $(DEPS) ## build the last commit twice, in two clones: the same book, byte for byte, but the timings (a few minutes)
	tests/reproducible/run

pipeline-tests: $(DEPS) ## test the build itself: errors point at .nw lines, bad webs stop cleanly
	tests/pipeline/run

# make check: the build and the checks are one graph. Each group of checks (tools/run-checks
# names them) is a target that starts as soon as what it checks is built, so that the checks
# run beside the rest of the build. The groups that do not check the book run one after the
# other (each waits for the one before it, in CHECK_LANE order): one job of the two runs them
# while the other builds, so that the long chain of the build (the programs, the figures, the
# weave, pdflatex) never waits for two long checks at once; the book's own checks (browser,
# epub, book, then the programs under valgrind) start when the book is built, beside the rest
# of that lane. A group always
# succeeds as a make target: it leaves its logs and status in build/checks/, and the report at
# the end prints them in order, sums them up and fails if any step failed or did not run.
CHECK_LANE   := check-engine valgrind asan fuzz pipeline checkpoints programs oom
CHECK_GROUPS := $(CHECK_LANE) browser epub book programs-valgrind
.PHONY: $(addprefix check-,$(CHECK_GROUPS))
check-pipeline:
check-check-engine: tangle build/appendixA/src/.tangled build/chapter1/libmicrograd.a build/chapter$(LAST)/libmicrograd.a
check-valgrind: build/chapter$(LAST)/checkpoints
check-asan: build/sanitize/checkpoints
check-fuzz: $(FUZZERS)
# the valgrind run of the programs waits for the book's checks: the job that built the book
# takes it then, while the lane above is still busy
check-programs-valgrind: $(foreach n,$(NUMBERS),build/chapter$(n)/figures.stamp) | check-browser check-epub check-book
check-checkpoints: $(foreach n,$(NUMBERS),build/chapter$(n)/checkpoints)
check-programs: $(FIGURES) $(TRAIN) $(APPENDIX_PROGRAMS)
check-oom: build/limits/oom build/limits/failing_alloc
check-browser: build/book/index.html
check-epub: build/book.epub
check-book: build/book/index.html build/book.pdf
# the lane: each group after the one before it
$(foreach i,$(wordlist 2,$(words $(CHECK_LANE)),$(shell seq 1 $(words $(CHECK_LANE)))),\
    $(eval check-$(word $(i),$(CHECK_LANE)): | check-$(word $(shell expr $(i) - 1),$(CHECK_LANE))))
$(addprefix check-,$(CHECK_GROUPS)): | $(DEPS)
	@FUZZERS="$(FUZZERS)" FUZZ_SECONDS=$(FUZZ_SHORT) tools/run-checks --step $(@:check-%=%) $(LAST)

check: $(DEPS) build/book/index.html build/book.pdf build/book.epub $(addprefix check-,$(CHECK_GROUPS)) $(FIGURES) $(FUZZERS) build/limits/oom build/limits/failing_alloc $(APPENDIX_PROGRAMS) $(foreach n,$(NUMBERS),build/chapter$(n)/checkpoints) build/sanitize/checkpoints $(TRAIN) book tangle ## run every check; the last line sums them up
	@tools/run-checks --report $(LAST)

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
check-engine: export CHECK_ENGINE_SANITIZE = $(if $(value SANITIZE),$(value SANITIZE),1)
check-engine: $(DEPS) tangle/chapter$(LAST)/.tangled ## check your own engine: make check-engine DIR=path CHAPTER=N (see README)
	@tools/check-engine "$$CHECK_ENGINE_DIR" "$$CHECK_ENGINE_CHAPTER" $(LAST) "$$CHECK_ENGINE_OUT"

check-engine-tests: $(DEPS) tangle build/appendixA/src/.tangled ## test check-engine on the book's engine and on broken copies of it
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

ifneq ($(filter fuzz,$(MAKECMDGOALS)),)
ifeq ($(shell [ "$(SECONDS)" -ge 1 ] 2>/dev/null && echo ok),)
$(error make fuzz: SECONDS must be a whole number of seconds from 1, not '$(SECONDS)' (libFuzzer would read 0 as no time limit))
endif
endif

build/fuzz/readers build/fuzz/nn: build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzzing.h $(LIB_SRC) | $(DEPS)
	mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(LIB_INC) -o $@ $< $(LIB_SRC) -lm

build/fuzz/engine: tests/fuzz/engine.c tests/fuzz/fuzzing.h build/chapter$(LAST)/src/lib/micrograd.c build/chapter$(LAST)/src/lib/contract.c | $(DEPS)
	mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(LIB_INC) -o $@ $< build/chapter$(LAST)/src/lib/micrograd.c build/chapter$(LAST)/src/lib/contract.c -lm

build/fuzz/train: tests/fuzz/train.c tests/fuzz/fuzzing.h $(TRAIN:build/%/train=build/%/src/programs/train.c) $(LIB_SRC) | $(DEPS)
	mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Dmain=train_main $(LIB_INC) -o $@ $< \
	    $(TRAIN:build/%/train=build/%/src/programs/train.c) $(LIB_SRC) -lm

fuzz: $(DEPS) $(FUZZERS) ## fuzz the engine, the readers, the networks and the trainer's command line for SECONDS each (default 60, at least 1)
	tests/fuzz/run $(SECONDS) $(FUZZERS)

# ---- limits -----------------------------------------------------------------------------
# tests/limits/oom.c: the engine under a limited address space (not under ASan or valgrind).

build/limits/oom: tests/limits/oom.c tests/expect_stop.h build/chapter$(LAST)/libmicrograd.a
	mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LIB_INC) -Itests -o $@ $< \
	    build/chapter$(LAST)/libmicrograd.a $(CHECK_LIBS) -lm

# tests/limits/failing_alloc.c: every allocation of the library fails in turn; the wrappers
# catch the library's calls to malloc, calloc, realloc and free.
build/limits/failing_alloc: tests/limits/failing_alloc.c build/chapter$(LAST)/libmicrograd.a
	mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LIB_INC) -o $@ $< build/chapter$(LAST)/libmicrograd.a -lm \
	    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free
