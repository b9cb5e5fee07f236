#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

// readline's configuration lives in C globals; setting them through functions
// keeps Swift's concurrency checker out of C's shared state.
static inline void grove_editline_setup(const char *name, const char *word_breaks, rl_completion_func_t *complete) {
    rl_readline_name = strdup(name);
    rl_completer_word_break_characters = strdup(word_breaks);
    rl_attempted_completion_function = complete;
    // The shell's own SIGINT handler cancels the line. libedit's handlers would re-send
    // each signal to the whole process group (kill(0, sig)), reaching the processes that
    // started grove.
    rl_catch_signals = 0;
}

// Called from the completion hook: no file-name fallback, no space appended.
static inline void grove_editline_completion_only(void) {
    rl_attempted_completion_over = 1;
    rl_completion_append_character = 0;
}

// Where libedit reads characters from; must be set before the first readline call
// (rl_initialize installs it).
static inline void grove_editline_set_getc(int (*getc)(FILE *)) {
    rl_getc_function = getc;
}

// The line up to the cursor, for completion that depends on what came before the word.
static inline char *grove_editline_line_before_cursor(void) {
    if (rl_line_buffer == NULL) return strdup("");
    size_t length = strlen(rl_line_buffer);
    size_t point = rl_point < 0 ? 0 : (size_t)rl_point;
    return strndup(rl_line_buffer, point < length ? point : length);
}
