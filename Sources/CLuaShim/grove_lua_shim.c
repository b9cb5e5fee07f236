#include "grove_lua_shim.h"

#include <signal.h>
#include <string.h>

static grove_dispatch_fn dispatcher = NULL;

void grove_set_dispatcher(grove_dispatch_fn fn) { dispatcher = fn; }

// Registry slots (light userdata keys, created by grove_initstate, never nil, so
// that writing them never allocates):
// the traceback of the error a trampoline is raising when that error happened
// deeper, inside a Lua function a Swift function called (GROVE_RERAISE), else false;
static char raised_traceback;
// the traceback grove_msghandler recorded for the error on its way to grove_pcall,
// else false.
static char error_traceback;

void grove_initstate(lua_State *L) {
    lua_pushboolean(L, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &raised_traceback);
    lua_pushboolean(L, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &error_traceback);
}

static int trampoline(lua_State *L);

static int trampoline_resumed(lua_State *L, int status, lua_KContext ctx) {
    (void)status;
    (void)ctx;
    return trampoline(L);
}

// The only place a Swift-registered function raises or yields: Swift has already returned.
static int trampoline(lua_State *L) {
    int n = dispatcher(L);
    if (n >= 0) return n;
    if (n == GROVE_YIELD) return lua_yieldk(L, 2, 0, trampoline_resumed);
    if (n != GROVE_RERAISE) lua_pushboolean(L, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &raised_traceback);
    if (n == GROVE_RAISE_WHERE) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

void grove_pushtrampoline(lua_State *L, int nup) { lua_pushcclosure(L, trampoline, nup); }

// True when the function that raised the error being handled (level 1 of the
// handler's stack) is a trampoline.
static int raised_by_trampoline(lua_State *L) {
    lua_Debug ar;
    if (!lua_getstack(L, 1, &ar) || !lua_getinfo(L, "f", &ar)) return 0;
    int yes = lua_tocfunction(L, -1) == trampoline;
    lua_pop(L, 1);
    return yes;
}

int grove_msghandler(lua_State *L) {
    lua_settop(L, 1);
    int kept = 0;
    if (raised_by_trampoline(L)) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &raised_traceback);
        kept = lua_type(L, -1) == LUA_TSTRING;
        if (!kept) lua_pop(L, 1);
        lua_pushboolean(L, 0);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &raised_traceback);
    }
    if (!kept) luaL_traceback(L, L, NULL, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &error_traceback);
    return 1;
}

int grove_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, grove_msghandler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (status != LUA_OK) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &error_traceback);
        lua_pushboolean(L, 0);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &error_traceback);
    }
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
