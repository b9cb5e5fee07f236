#include "grove_lua_shim.h"

#include <signal.h>
#include <string.h>

static grove_dispatch_fn dispatcher = NULL;

void grove_set_dispatcher(grove_dispatch_fn fn) { dispatcher = fn; }

// The only place a Swift-registered function raises: Swift has already returned.
static int trampoline(lua_State *L) {
    int n = dispatcher(L);
    if (n == GROVE_RAISE_WHERE) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    if (n < 0) return lua_error(L);
    return n;
}

void grove_pushtrampoline(lua_State *L, int nup) { lua_pushcclosure(L, trampoline, nup); }

int grove_msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg != NULL) {
        luaL_traceback(L, L, msg, 1);
        return 1;
    }
    if (lua_type(L, 1) == LUA_TTABLE) {
        // A structured error keeps its value so the host can read status and fields;
        // the traceback rides along in the table.
        if (!(luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING))
            lua_pushliteral(L, "(error object is a table value)");
        luaL_traceback(L, L, lua_tostring(L, -1), 1);
        lua_pushliteral(L, "traceback");
        lua_insert(L, -2);
        lua_rawset(L, 1);
        lua_settop(L, 1);
        return 1;
    }
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
        msg = lua_tostring(L, -1);
    else
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int grove_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, grove_msghandler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

static int tolstring_body(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

int grove_protected_tolstring(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, tolstring_body);
    lua_pushvalue(L, idx);
    return lua_pcall(L, 1, 1, 0);
}

static lua_State *volatile armed_state = NULL;
static volatile sig_atomic_t interrupted = 0;

static void stop_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    interrupted = 0;
    lua_pushliteral(L, "interrupted!");
    lua_error(L);
}

static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
    lua_State *L = armed_state;
    if (L != NULL) {
        // lua_sethook is safe to call from a signal handler (see lua.c).
        lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    }
}

void grove_interrupt_arm(lua_State *L) {
    armed_state = L;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    // A parent may have started us with SIGINT blocked; Ctrl-C must still reach us.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

void grove_interrupt_disarm(void) {
    lua_State *L = armed_state;
    armed_state = NULL;
    if (L != NULL) lua_sethook(L, NULL, 0, 0);
}

int grove_interrupt_take(void) {
    int was = interrupted;
    interrupted = 0;
    return was;
}
