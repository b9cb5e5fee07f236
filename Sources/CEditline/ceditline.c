#include "ceditline.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

// Each function and variable of libedit that Grove uses. The pointers take their types
// from libedit's own declarations, so a mismatch fails to compile; nothing here refers
// to libedit's symbols, so the executable does not need the library to start.
#define GROVE_EDITLINE_SYMBOLS(X)                                                            \
    X(readline) X(using_history) X(add_history) X(read_history) X(write_history)             \
    X(history_truncate_file) X(rl_completion_matches) X(rl_readline_name)                    \
    X(rl_completer_word_break_characters) X(rl_attempted_completion_function)                \
    X(rl_catch_signals) X(rl_attempted_completion_over) X(rl_completion_append_character)    \
    X(rl_getc_function) X(rl_line_buffer) X(rl_point)

#define GROVE_EDITLINE_DECLARE(name) static __typeof__(&name) p_##name;
GROVE_EDITLINE_SYMBOLS(GROVE_EDITLINE_DECLARE)

// Sets p_NAME from the library; returns why not from grove_editline_load when it lacks NAME.
#define GROVE_EDITLINE_RESOLVE(name)                                                          \
    p_##name = (__typeof__(&name))dlsym(library, #name);                                      \
    if (p_##name == NULL) {                                                                   \
        snprintf(load_error, sizeof load_error, "libedit.so.2: no symbol %s", #name);         \
        dlclose(library);                                                                     \
        return load_error;                                                                    \
    }

static int loaded;
static char load_error[512];

const char *grove_editline_load(void) {
    if (loaded) return NULL;
    void *library = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(load_error, sizeof load_error, "%s", reason != NULL ? reason : "libedit.so.2: cannot be loaded");
        return load_error;
    }
    GROVE_EDITLINE_SYMBOLS(GROVE_EDITLINE_RESOLVE)
    loaded = 1;
    return NULL;
}

void grove_editline_setup(const char *name, const char *word_breaks,
                          char **(*complete)(const char *text, int start, int end)) {
    *p_rl_readline_name = strdup(name);
    *p_rl_completer_word_break_characters = strdup(word_breaks);
    *p_rl_attempted_completion_function = complete;
    // The shell's own SIGINT handler cancels the line. libedit's handlers would re-send
    // each signal to the whole process group (kill(0, sig)), reaching the processes that
    // started grove.
    *p_rl_catch_signals = 0;
}

void grove_editline_completion_only(void) {
    *p_rl_attempted_completion_over = 1;
    *p_rl_completion_append_character = 0;
}

void grove_editline_set_getc(int (*getc)(FILE *)) {
    *p_rl_getc_function = getc;
}

char *grove_editline_line_before_cursor(void) {
    const char *line = *p_rl_line_buffer;
    if (line == NULL) return strdup("");
    size_t length = strlen(line);
    size_t point = *p_rl_point < 0 ? 0 : (size_t)*p_rl_point;
    return strndup(line, point < length ? point : length);
}

char *grove_editline_readline(const char *prompt) { return p_readline(prompt); }
void grove_editline_using_history(void) { p_using_history(); }
int grove_editline_add_history(const char *line) { return p_add_history(line); }
int grove_editline_read_history(const char *path) { return p_read_history(path); }
int grove_editline_write_history(const char *path) { return p_write_history(path); }
int grove_editline_history_truncate_file(const char *path, int lines) { return p_history_truncate_file(path, lines); }

char **grove_editline_completion_matches(const char *text, char *(*entry)(const char *text, int state)) {
    return p_rl_completion_matches(text, entry);
}

int grove_stdin_read_byte(void) {
    int c = getc(stdin);
    if (c != EOF) return c;
    if (ferror(stdin) && errno == EINTR) {
        clearerr(stdin);
        return -2;
    }
    return -1;
}
