// The parts of Lua's C API that are macros, as functions Swift can call, and the
// few C helpers that must raise or catch Lua errors (lua_error longjmps: it must
// never run inside a Swift frame).
#ifndef GROVE_LUA_SHIM_H
#define GROVE_LUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

static inline int grove_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int grove_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void grove_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void grove_newtable(lua_State *L) { lua_newtable(L); }
static inline void grove_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void grove_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void grove_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline int grove_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }
static inline lua_Number grove_tonumber(lua_State *L, int idx) { return lua_tonumberx(L, idx, NULL); }
static inline lua_Integer grove_tointeger(lua_State *L, int idx) { return lua_tointegerx(L, idx, NULL); }
static inline void *grove_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }
static inline void grove_getregistryfield(lua_State *L, const char *name) {
    lua_getfield(L, LUA_REGISTRYINDEX, name);
}
static inline void grove_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline int grove_loadbuffer(lua_State *L, const char *buf, size_t size, const char *name) {
    return luaL_loadbufferx(L, buf, size, name, NULL);
}

/// The host object of a state, shared by its coroutines (lua_getextraspace).
static inline void *grove_gethost(lua_State *L) { return *(void **)lua_getextraspace(L); }
static inline void grove_sethost(lua_State *L, void *host) { *(void **)lua_getextraspace(L) = host; }

/// Swift's side of every registered function. Returns the number of results, or
/// GROVE_RAISE (error value on top of the stack), GROVE_RAISE_WHERE (a string
/// error to be prefixed with the caller's position, as luaL_error does) or
/// GROVE_RERAISE (an error that came out of a Lua function the Swift function
/// called, below the traceback string of where it happened: the value is raised
/// as it is, and the traceback is the one grove_pcall reports for it).
typedef int (*grove_dispatch_fn)(lua_State *L);
#define GROVE_RAISE (-1)
#define GROVE_RAISE_WHERE (-2)
#define GROVE_RERAISE (-3)
/// The Swift function waits for something (a request to GitLab): the trampoline yields
/// the two values on top of the stack to the coroutine's resumer, and when resumed calls
/// the Swift function again with the same arguments, which then finds its answer.
#define GROVE_YIELD (-4)
void grove_set_dispatcher(grove_dispatch_fn fn);

/// Creates the registry slots the trampoline and grove_pcall share; once per state.
void grove_initstate(lua_State *L);

/// Pushes a C closure over the trampoline with `nup` upvalues taken from the stack.
void grove_pushtrampoline(lua_State *L, int nup);

/// The message handler of grove_pcall: leaves the error value as it is (a string
/// gets no traceback appended, a table no field) and records the traceback
/// ("stack traceback:\n...") beside it: the current stack's, or, for an error a
/// trampoline re-raised (GROVE_RERAISE), the one of the place it happened.
int grove_msghandler(lua_State *L);

/// lua_pcall with grove_msghandler installed below the function. On error the
/// stack holds the error value, unchanged, and above it its traceback string (or
/// false when there is none, e.g. for a memory error): two values.
int grove_pcall(lua_State *L, int nargs, int nresults);

/// luaL_tolstring (honours __tostring, __name) run under protection; pushes the
/// string, or the error text when the metamethod failed. Returns LUA_OK or an error.
int grove_protected_tolstring(lua_State *L, int idx);

/// Ctrl-C while Lua runs: the next Lua instruction raises "interrupted!" (lua.c's laction).
void grove_interrupt_arm(lua_State *L);
void grove_interrupt_disarm(void);
/// Set (and cleared) when SIGINT arrived while armed or at a prompt.
int grove_interrupt_take(void);

#endif
