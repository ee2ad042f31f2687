/* expect_stop.h: test that a misuse of the engine stops the program as the contract says.
 *
 * The contract (tests/CONTRACT.md): a broken precondition, such as a NULL operand, stops the
 * program at once with abort() after printing a message on stderr that names the function.
 * expect_stop(misuse, "value_add") runs misuse() in a child process with its stderr captured,
 * and fails the test, saying what happened instead, unless the child
 *   - was stopped by SIGABRT (not returned, not crashed with another signal), and
 *   - printed a message on stderr that contains the function's name.
 * On success the message is printed again on stderr, labelled "expected stop: ", so that the
 * output of a passing run holds no line that reads like an error.
 *
 * fork, pipe and waitpid are POSIX: a file that includes this header defines
 * _POSIX_C_SOURCE before its first #include.
 */
#ifndef EXPECT_STOP_H
#define EXPECT_STOP_H

#include "harness.h"   /* Check, with doubles printed in full */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum { STOP_MESSAGE_SIZE = 512 };

/* What the child wrote to stderr, cut to STOP_MESSAGE_SIZE - 1 bytes. */
static void read_all(int fd, char *text)
{
    size_t n = 0;
    char sink[256];
    for (;;) {
        char *to = n < STOP_MESSAGE_SIZE - 1 ? text + n : sink;
        size_t room = n < STOP_MESSAGE_SIZE - 1 ? STOP_MESSAGE_SIZE - 1 - n : sizeof sink;
        ssize_t got = read(fd, to, room);
        if (got <= 0)
            break;
        if (to == text + n)
            n += (size_t)got;
    }
    text[n] = '\0';
}

/* Print each line of text on stderr, labelled; valgrind's own lines (==PID==) pass unlabelled,
 * so that a check looking for them still finds them. */
static void print_labelled(const char *text)
{
    while (*text != '\0') {
        size_t len = strcspn(text, "\n");
        fprintf(stderr, "%s%.*s\n", strncmp(text, "==", 2) == 0 ? "" : "expected stop: ",
                (int)len, text);
        text += len + (text[len] == '\n');
    }
}

static void expect_stop(void (*misuse)(void), const char *function)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        signal(SIGABRT, SIG_DFL);
        misuse();
        _exit(0);
    }
    close(fds[1]);
    char text[STOP_MESSAGE_SIZE];
    read_all(fds[0], text);
    close(fds[0]);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    if (WIFEXITED(status))
        ck_abort_msg("%s should stop the program with abort(), but it returned "
                     "(stderr: \"%s\")", function, text);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
                  "%s should stop the program with abort() (signal %d), but it died of "
                  "signal %d (%s) (stderr: \"%s\")", function, SIGABRT,
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0,
                  WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "none", text);
    ck_assert_msg(strstr(text, function) != NULL,
                  "%s stopped the program, but its message on stderr does not name %s: \"%s\"",
                  function, function, text);
    print_labelled(text);
}

#endif
