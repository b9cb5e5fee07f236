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
}

// Called from the completion hook: no file-name fallback, no space appended.
static inline void grove_editline_completion_only(void) {
    rl_attempted_completion_over = 1;
    rl_completion_append_character = 0;
}
