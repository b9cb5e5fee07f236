#ifndef GROVE_CEDITLINE_H
#define GROVE_CEDITLINE_H

#include <stdio.h>

// libedit's readline interface, loaded with dlopen when the interactive shell starts
// rather than linked: scripts and one-liners then don't pay the loader for libedit and
// what it brings (libtinfo, libbsd, libmd) at each start.

// Loads libedit.so.2 and resolves what Grove calls: NULL once ready (also when already
// loaded), else why not. The other functions may be called only after it returned NULL.
const char *grove_editline_load(void);

// readline's configuration lives in C globals; setting them through functions
// keeps Swift's concurrency checker out of C's shared state.
void grove_editline_setup(const char *name, const char *word_breaks,
                          char **(*complete)(const char *text, int start, int end));

// Called from the completion hook: no file-name fallback, no space appended.
void grove_editline_completion_only(void);

// Where libedit reads characters from; must be set before the first readline call
// (rl_initialize installs it).
void grove_editline_set_getc(int (*getc)(FILE *));

// The next byte of C's stdin (the FILE Lua's io.read reads, so neither reads ahead of
// the other): 0-255, -1 at the end or on an error, -2 when a signal interrupted the read
// (the stream's error flag is cleared, the read may be tried again).
int grove_stdin_read_byte(void);

// The line up to the cursor, for completion that depends on what came before the word.
char *grove_editline_line_before_cursor(void);

// readline's functions of the same names.
char *grove_editline_readline(const char *prompt);
void grove_editline_using_history(void);
int grove_editline_add_history(const char *line);
int grove_editline_read_history(const char *path);
int grove_editline_write_history(const char *path);
int grove_editline_history_truncate_file(const char *path, int lines);
char **grove_editline_completion_matches(const char *text, char *(*entry)(const char *text, int state));

#endif
