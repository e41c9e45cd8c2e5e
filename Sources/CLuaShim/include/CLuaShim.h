// What the rule host needs from Lua that Swift cannot do itself: a counting allocator, a count hook with a
// deadline, trampolines that raise Lua errors and yield from C frames only, coroutine functions that let a
// rule's own coroutines wait for the host, and protected versions of every host operation that allocates.
//
// The rule: no Lua error ever unwinds through a Swift frame. Swift calls only the functions below and the Lua
// API functions that never raise (lua_type, lua_toboolean, lua_tonumberx, lua_tointegerx, lua_tolstring on
// strings, lua_rawlen, lua_next, lua_settop, lua_checkstack, lua_getstack, lua_getinfo without "f"/"L",
// lua_topointer, pushes of nil, booleans, numbers and light userdata). Functions a rule calls are C closures
// (`luashim_register`) that call back into Swift, get a `luashim_reply` back, and raise or yield from C.
#ifndef CLUASHIM_H
#define CLUASHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>
#include <stdint.h>

/// What the Swift side of a rule's function asks its C trampoline to do when it returns.
typedef enum luashim_reply {
    /// Return the values encoded in `rule->reply` (see `luashim_push_encoded`).
    LUASHIM_RETURN = 0,
    /// Raise a Lua error: the caller's position, then the text in `rule->reply`.
    LUASHIM_RAISE = 1,
    /// Yield to the host; when the host resumes, return the values encoded in `rule->reply` then.
    LUASHIM_WAIT = 2,
    /// Keep the value at stack index `rule->handler_argument` as handler `rule->handler_slot`; return nothing.
    LUASHIM_KEEP_HANDLER = 3,
} luashim_reply;

/// The Swift side of every function a rule calls: `function` is the number given to `luashim_register`.
/// Reads its arguments from `L` (without raising), sets `rule->reply`, and returns a `luashim_reply`.
typedef int (*luashim_dispatch)(void *context, lua_State *L, int function);

/// One rule's bookkeeping, shared by its Lua state (allocator user data) and the Swift host.
typedef struct luashim_rule {
    // Memory: bytes the state holds now, and its cap. Over the cap an allocation is refused; refused twice in a
    // row (Lua retries once after an emergency collection) it is a real memory error and the run stops.
    size_t used;
    size_t limit;
    int enforce_limit;
    int memory_exceeded;
    const void *refused_block;
    size_t refused_size;
    int refused_once;

    // Time: each host operation gets `compute_limit_ns` of the monotonic clock.
    uint64_t compute_limit_ns;
    uint64_t deadline_ns;
    int time_exceeded;
    // Set once a run must end: the hook then raises an error at every instruction, so `pcall` cannot keep
    // the run alive.
    int stopping;

    luashim_dispatch dispatch;
    void *context;
    const unsigned char *reply;
    size_t reply_length;
    /// Set by the host before it resumes a waiting call whose answer is an error: the call raises the text
    /// in `reply` instead of returning.
    int reply_raises;
    int handler_argument;
    int handler_slot;
} luashim_rule;

/// Tags of the value encoding that carries plain values from Swift into Lua. Integers, floats and lengths are
/// little-endian; a table is its pair count then key, value, key, value…; a list its length then its values.
typedef enum luashim_tag {
    LUASHIM_NIL = 0, LUASHIM_FALSE = 1, LUASHIM_TRUE = 2, LUASHIM_INTEGER = 3, LUASHIM_FLOAT = 4,
    LUASHIM_STRING = 5, LUASHIM_TABLE = 6, LUASHIM_LIST = 7,
} luashim_tag;

/// A new state whose every allocation is counted against `rule`, with the count hook installed; no
/// libraries yet. NULL when the allocation failed.
lua_State *luashim_newstate(luashim_rule *rule);

/// Closes the state (without the memory cap, so closing never fails).
void luashim_close(lua_State *L);

/// Opens the sandbox: base (without dofile, loadfile, load, collectgarbage, warn, print; setmetatable
/// refusing `__gc`), string (without
/// dump), table, math, utf8, coroutine (with resume and wrap that pass host waits through), os.time, os.clock,
/// os.date, os.difftime; and the registry table of handlers. Protected: returns a Lua status, with the error
/// object on top of the stack when it is not LUA_OK.
int luashim_open(lua_State *L);

/// Sets global `name` (or `table.name` when `table` is not NULL, creating the global table) to a function
/// that calls `rule->dispatch(…, function)`. With `joins_arguments`, the arguments are first converted as
/// `tostring` does and joined by tabs into one string (`log` and `print`). Protected, as `luashim_open`.
int luashim_register(lua_State *L, const char *table, const char *name, int function, int joins_arguments);

/// Compiles a rule's text (never bytecode) under `chunkname` and makes the chunk a new thread, ready for
/// `luashim_resume`. On LUA_OK `*thread` and `*reference` (a registry reference that keeps the thread) are
/// set; otherwise the error object is on top of the stack (LUA_ERRSYNTAX: the syntax error message).
int luashim_load(lua_State *L, const char *source, size_t length, const char *chunkname, lua_State **thread,
                 int *reference);

/// A new thread for handler `slot`, with the encoded argument on its stack (none when `length` is 0), kept
/// by a registry reference. Protected, as `luashim_load`.
int luashim_start(lua_State *L, int slot, const unsigned char *argument, size_t length, lua_State **thread,
                  int *reference);

/// Drops the registry reference of a thread (a run that ended or was cancelled). Protected.
int luashim_release(lua_State *L, int reference);

/// Resumes `thread` with the `arguments` values on its stack, under a fresh deadline. Returns the status of
/// `lua_resume`; `*results` values are then on the thread's stack. `*waiting` is 1 when the thread yielded
/// through a host wait (`LUASHIM_WAIT`, possibly from a coroutine of the rule's own), 0 for any other yield.
int luashim_resume(lua_State *L, lua_State *thread, int arguments, int *results, int *waiting);

/// Describes a failed or wrongly yielded thread: pushes onto L its message (the error object as text: a
/// string, a number, the result of `__tostring`, or "error object is a TYPE value"; for a yield, nil),
/// `SOURCE:LINE` of the innermost Lua frame with a line (or nil), and the traceback. Runs without the memory
/// cap. Protected: on LUA_OK the three values are on top of L.
int luashim_describe(lua_State *L, lua_State *thread, int failed);

/// Pushes the global `data` of the state. Protected: on LUA_OK the value is on top of L.
int luashim_push_data(lua_State *L);

/// Sets the global `data` to the encoded value, or to a new table when it is nil. Protected.
int luashim_set_data(lua_State *L, const unsigned char *value, size_t length);

/// A full garbage collection (after a memory failure, to give the rule its memory back). Protected.
int luashim_collect(lua_State *L);

#endif
