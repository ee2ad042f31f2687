/* fuzzing.h: what the fuzz targets share.
 *
 * Bytes and next_byte read the fuzzer's input one byte at a time, 0 once it runs out, so that
 * every input, however short, decodes to something. fuzz_temporary makes a file that no
 * name points to (it is unlinked at once, so nothing is left behind even after a crash) and
 * gives the path that reaches it, /proc/self/fd/N. A target defines _POSIX_C_SOURCE before
 * its first #include (mkstemp, unlink).
 */
#ifndef FUZZING_H
#define FUZZING_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct { const uint8_t *p; size_t left; } Bytes;

static inline unsigned next_byte(Bytes *in)
{
    if (in->left == 0)
        return 0;
    in->left--;
    return *in->p++;
}

/* A temporary file for target NAME, in TMPDIR (or /tmp); its path into path[0..size-1]. */
static inline void fuzz_temporary(const char *name, char *path, size_t size)
{
    const char *dir = getenv("TMPDIR");
    char file[4096];
    snprintf(file, sizeof file, "%s/fuzz-%s-XXXXXX", dir && *dir ? dir : "/tmp", name);
    int fd = mkstemp(file);
    if (fd < 0 || unlink(file) != 0) {
        fprintf(stderr, "fuzz %s: a temporary file: ", name);
        perror(NULL);
        abort();
    }
    snprintf(path, size, "/proc/self/fd/%d", fd);
}

#endif
