#include "CLuaShim.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

// The hook runs every this many VM instructions while a rule computes: often enough to stop a loop within
// a fraction of a millisecond past its deadline, rarely enough to cost nothing measurable.
#define HOOK_INSTRUCTIONS 1000

// Addresses used as unique keys and markers.
static const char handlers_key = 0;
static const char runs_key = 0; // a table with weak keys: the threads of the host's runs
static const char wait_marker = 0;

static luashim_rule *rule_of(lua_State *L) { return *(luashim_rule **)lua_getextraspace(L); }

static uint64_t monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

// Each host operation starts with a fresh computing budget and clear stop flags.
static void start_deadline(luashim_rule *rule) {
    rule->deadline_ns = monotonic_ns() + rule->compute_limit_ns;
    rule->stopping = 0;
    rule->time_exceeded = 0;
    rule->memory_exceeded = 0;
    rule->refused_once = 0;
}

// MARK: - Allocator and hook

static void *allocate(void *ud, void *block, size_t osize, size_t nsize) {
    luashim_rule *rule = ud;
    // Without a block, osize tells the kind of object, not a size.
    size_t old = block ? osize : 0;
    if (nsize == 0) {
        free(block);
        rule->used -= old;
        return NULL;
    }
    if (nsize > old && rule->enforce_limit && rule->used - old + nsize > rule->limit) {
        if (rule->refused_once && rule->refused_block == block && rule->refused_size == nsize) {
            // Lua's retry after an emergency collection: this request really fails.
            rule->memory_exceeded = 1;
            rule->stopping = 1;
        }
        rule->refused_once = 1;
        rule->refused_block = block;
        rule->refused_size = nsize;
        return NULL;
    }
    void *grown = realloc(block, nsize);
    if (grown == NULL) return NULL;
    if (nsize > old) rule->refused_once = 0;
    rule->used = rule->used - old + nsize;
    return grown;
}

static void hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    luashim_rule *rule = rule_of(L);
    if (!rule->stopping) {
        if (monotonic_ns() < rule->deadline_ns) {
            // A thread left at one instruction by an earlier stop goes back to the cheap rate.
            if (lua_gethookcount(L) != HOOK_INSTRUCTIONS) lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
            return;
        }
        rule->time_exceeded = 1;
        rule->stopping = 1;
    }
    // From now on every instruction of this thread raises again, so a pcall that catches it gains nothing.
    lua_sethook(L, hook, LUA_MASKCOUNT, 1);
    lua_pushstring(L, rule->memory_exceeded ? "memory limit reached" : "computing time limit reached");
    lua_error(L);
}

lua_State *luashim_newstate(luashim_rule *rule) {
    rule->used = 0;
    rule->enforce_limit = 1;
    lua_State *L = lua_newstate(allocate, rule);
    if (L == NULL) return NULL;
    // Threads copy the main thread's extra space and hook when they are created.
    *(luashim_rule **)lua_getextraspace(L) = rule;
    lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    return L;
}

void luashim_close(lua_State *L) {
    luashim_rule *rule = rule_of(L);
    start_deadline(rule);
    rule->enforce_limit = 0;
    lua_close(L);
}

// MARK: - Value encoding (Swift to Lua)

typedef struct reader {
    const unsigned char *bytes;
    size_t length;
    size_t offset;
} reader;

static uint64_t read_u64(lua_State *L, reader *r) {
    if (r->length - r->offset < 8) luaL_error(L, "malformed value from the host");
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--) value = (value << 8) | r->bytes[r->offset + (size_t)i];
    r->offset += 8;
    return value;
}

static uint32_t read_u32(lua_State *L, reader *r) {
    if (r->length - r->offset < 4) luaL_error(L, "malformed value from the host");
    uint32_t value = 0;
    for (int i = 3; i >= 0; i--) value = (value << 8) | r->bytes[r->offset + (size_t)i];
    r->offset += 4;
    return value;
}

// Stack: … → …, value
static void push_value(lua_State *L, reader *r) {
    luaL_checkstack(L, 3, "value nested too deeply");
    if (r->offset >= r->length) luaL_error(L, "malformed value from the host");
    unsigned char tag = r->bytes[r->offset++];
    switch (tag) {
    case LUASHIM_NIL: lua_pushnil(L); return;
    case LUASHIM_FALSE: lua_pushboolean(L, 0); return;
    case LUASHIM_TRUE: lua_pushboolean(L, 1); return;
    case LUASHIM_INTEGER: lua_pushinteger(L, (lua_Integer)read_u64(L, r)); return;
    case LUASHIM_FLOAT: {
        uint64_t bits = read_u64(L, r);
        double value;
        memcpy(&value, &bits, sizeof value);
        lua_pushnumber(L, value);
        return;
    }
    case LUASHIM_STRING: {
        uint32_t length = read_u32(L, r);
        if (r->length - r->offset < length) luaL_error(L, "malformed value from the host");
        lua_pushlstring(L, (const char *)r->bytes + r->offset, length);
        r->offset += length;
        return;
    }
    case LUASHIM_TABLE: {
        uint32_t pairs = read_u32(L, r);
        lua_createtable(L, 0, pairs > 64 ? 64 : (int)pairs);
        for (uint32_t i = 0; i < pairs; i++) {
            push_value(L, r); // Stack: table, key
            push_value(L, r); // Stack: table, key, value
            lua_rawset(L, -3); // pops key and value
        }
        return;
    }
    case LUASHIM_LIST: {
        uint32_t count = read_u32(L, r);
        lua_createtable(L, count > 64 ? 64 : (int)count, 0);
        for (uint32_t i = 0; i < count; i++) {
            push_value(L, r); // Stack: table, value
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        return;
    }
    default: luaL_error(L, "malformed value from the host");
    }
}

// Stack: … → …, values (returns their number)
static int push_encoded(lua_State *L, const unsigned char *encoded, size_t length) {
    reader r = {encoded, length, 0};
    int count = 0;
    while (r.offset < r.length) {
        push_value(L, &r);
        count++;
    }
    return count;
}

// MARK: - Trampolines

static int wait_continue(lua_State *L, int status, lua_KContext context) {
    (void)status;
    (void)context;
    luashim_rule *rule = rule_of(L);
    if (rule->reply_raises) {
        rule->reply_raises = 0;
        luaL_where(L, 1);
        lua_pushlstring(L, (const char *)rule->reply, rule->reply_length);
        lua_concat(L, 2);
        return lua_error(L);
    }
    return push_encoded(L, rule->reply, rule->reply_length);
}

static int trampoline(lua_State *L) {
    luashim_rule *rule = rule_of(L);
    int function = (int)lua_tointeger(L, lua_upvalueindex(1));
    rule->reply = NULL;
    rule->reply_length = 0;
    switch (rule->dispatch(rule->context, L, function)) {
    case LUASHIM_RETURN: return push_encoded(L, rule->reply, rule->reply_length);
    case LUASHIM_RAISE:
        luaL_where(L, 1);
        lua_pushlstring(L, (const char *)rule->reply, rule->reply_length);
        lua_concat(L, 2);
        return lua_error(L);
    case LUASHIM_WAIT:
        lua_pushlightuserdata(L, (void *)&wait_marker);
        return lua_yieldk(L, 1, 0, wait_continue);
    case LUASHIM_KEEP_HANDLER:
        lua_rawgetp(L, LUA_REGISTRYINDEX, &handlers_key); // Stack: args…, handlers
        lua_pushvalue(L, rule->handler_argument);         // Stack: args…, handlers, handler
        lua_rawseti(L, -2, rule->handler_slot);           // Stack: args…, handlers
        return 0;
    default: return luaL_error(L, "unknown reply from the host");
    }
}

// `log(...)`, `print(...)`: the arguments as `tostring` shows them, joined by tabs, then the trampoline.
static int joining_trampoline(lua_State *L) {
    int count = lua_gettop(L);
    luaL_Buffer line;
    luaL_buffinit(L, &line);
    for (int i = 1; i <= count; i++) {
        if (i > 1) luaL_addchar(&line, '\t');
        luaL_tolstring(L, i, NULL); // Stack: args…, buffer?, text
        luaL_addvalue(&line);
    }
    luaL_pushresult(&line); // Stack: args…, line
    lua_replace(L, 1);
    lua_settop(L, 1);
    return trampoline(L);
}

// MARK: - Coroutines that pass host waits through

static int coroutine_continue(lua_State *L, int status, lua_KContext context);

// Resumes `co` with the top `arguments` values of L. A host wait inside `co` yields L too (and so on out to
// the run's thread); the host's answer flows back in through `coroutine_continue`. `wrapped`: behave as the
// function from `coroutine.wrap` (raise errors) instead of `coroutine.resume` (return false, error).
static int resume_step(lua_State *L, lua_State *co, int arguments, int wrapped) {
    const char *refusal = NULL;
    if (!lua_checkstack(co, arguments)) refusal = "too many arguments to resume";
    else if (lua_status(co) == LUA_OK && lua_gettop(co) == 0) refusal = "cannot resume dead coroutine";
    if (refusal) {
        if (wrapped) return luaL_error(L, "%s", refusal);
        lua_pushboolean(L, 0);
        lua_pushstring(L, refusal);
        return 2;
    }
    lua_xmove(L, co, arguments);
    int results = 0;
    int status = lua_resume(co, L, arguments, &results);
    if (status == LUA_YIELD && results == 1 && lua_touserdata(co, -1) == &wait_marker) {
        lua_pop(co, 1);
        lua_pushlightuserdata(L, (void *)&wait_marker);
        return lua_yieldk(L, 1, wrapped, coroutine_continue);
    }
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, results + 1)) {
            lua_pop(co, results);
            return luaL_error(L, "too many results to resume");
        }
        lua_xmove(co, L, results);
        if (wrapped) return results;
        lua_pushboolean(L, 1);
        lua_insert(L, -(results + 1));
        return results + 1;
    }
    lua_xmove(co, L, 1); // Stack: …, error object
    if (wrapped) {
        lua_resetthread(co); // closes its pending to-be-closed variables, as the standard wrap does
        if (lua_type(L, -1) == LUA_TSTRING) {
            luaL_where(L, 1);
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
        return lua_error(L);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

static int coroutine_continue(lua_State *L, int status, lua_KContext context) {
    (void)status;
    int wrapped = (int)context;
    // The host resumes without values (the answer reaches the waiting call through the rule's reply);
    // keep only the frame's own slot: the coroutine argument of `resume`, nothing for a wrapped function.
    lua_settop(L, wrapped ? 0 : 1);
    lua_State *co = lua_tothread(L, wrapped ? lua_upvalueindex(1) : 1);
    return resume_step(L, co, 0, wrapped);
}

// Whether the thread at `index` is a run's own, which only the host resumes: one run could otherwise resume or
// close another run of its rule that waits for the host (`coroutine.running()` handed over in a global).
static int is_run_thread(lua_State *L, int index) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &runs_key); // Stack: …, runs
    lua_pushvalue(L, index);                      // Stack: …, runs, thread
    int found = lua_rawget(L, -2) != LUA_TNIL;    // Stack: …, runs, runs[thread]
    lua_pop(L, 2);
    return found;
}

static int coroutine_resume(lua_State *L) {
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co != NULL, 1, "coroutine");
    if (co != L && is_run_thread(L, 1)) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "cannot resume the coroutine of another run");
        return 2;
    }
    return resume_step(L, co, lua_gettop(L) - 1, 0);
}

static int coroutine_close(lua_State *L) {
    luaL_argexpected(L, lua_tothread(L, 1) != NULL, 1, "coroutine");
    if (lua_tothread(L, 1) != L && is_run_thread(L, 1)) return luaL_error(L, "cannot close the coroutine of another run");
    lua_pushvalue(L, lua_upvalueindex(1)); // Stack: args…, close
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int wrapped_call(lua_State *L) {
    return resume_step(L, lua_tothread(L, lua_upvalueindex(1)), lua_gettop(L), 1);
}

static int coroutine_wrap(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L); // Stack: f, co
    lua_pushvalue(L, 1);              // Stack: f, co, f
    lua_xmove(L, co, 1);              // Stack: f, co
    lua_pushcclosure(L, wrapped_call, 1);
    return 1;
}

// MARK: - Protected host operations

// Every operation below runs as a C function under lua_pcall on the main thread, with its arguments in a
// struct passed as light userdata, so that a memory error is a status, never an abort.
static int protect(lua_State *L, lua_CFunction operation, void *arguments, int results) {
    start_deadline(rule_of(L));
    lua_pushcfunction(L, operation); // never allocates: a light C function
    lua_pushlightuserdata(L, arguments);
    return lua_pcall(L, 1, results, 0);
}

static void keep(lua_State *L, const char *library, const char *const *names) {
    // Stack: …, library → …, library (only `names` kept)
    lua_newtable(L); // Stack: …, library, kept
    for (const char *const *name = names; *name; name++) {
        lua_getfield(L, -2, *name);
        lua_setfield(L, -2, *name);
    }
    lua_setglobal(L, library); // Stack: …, library
    lua_pop(L, 1);
}

// `setmetatable` without `__gc`: Lua runs finalizers with hooks off, so a finalizer that loops could never
// be stopped. (A `__gc` added to a metatable later is never called: Lua marks objects for finalization
// when their metatable is set.)
static int guarded_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int finalizer = lua_rawget(L, 2) != LUA_TNIL; // Stack: t, mt, …, mt.__gc
        lua_pop(L, 1);
        if (finalizer) return luaL_error(L, "__gc metamethods are not available to rules (a finalizer cannot be stopped)");
    }
    lua_pushvalue(L, lua_upvalueindex(1)); // Stack: args…, setmetatable
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int open_sandbox(lua_State *L) {
    luaL_requiref(L, "_G", luaopen_base, 1); // Stack: _G
    lua_getfield(L, -1, "setmetatable");
    lua_pushcclosure(L, guarded_setmetatable, 1);
    lua_setfield(L, -2, "setmetatable");
    lua_pop(L, 1);
    static const char *const removed[] = {"dofile", "loadfile", "load", "collectgarbage", "warn", "print", NULL};
    for (const char *const *name = removed; *name; name++) {
        lua_pushnil(L);
        lua_setglobal(L, *name);
    }
    luaL_requiref(L, "string", luaopen_string, 1); // also the string metatable, this state's own
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    luaL_requiref(L, "table", luaopen_table, 1);
    luaL_requiref(L, "math", luaopen_math, 1);
    luaL_requiref(L, "utf8", luaopen_utf8, 1);
    luaL_requiref(L, "coroutine", luaopen_coroutine, 1); // Stack: table, math, utf8, coroutine
    lua_pushcfunction(L, coroutine_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, coroutine_wrap);
    lua_setfield(L, -2, "wrap");
    lua_getfield(L, -1, "close");
    lua_pushcclosure(L, coroutine_close, 1);
    lua_setfield(L, -2, "close");
    lua_pop(L, 4);
    luaL_requiref(L, "os", luaopen_os, 0);
    static const char *const os_kept[] = {"time", "clock", "date", "difftime", NULL};
    keep(L, "os", os_kept);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &handlers_key);
    lua_newtable(L); // Stack: runs
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &runs_key);
    return 0;
}

int luashim_open(lua_State *L) {
    return protect(L, open_sandbox, NULL, 0);
}

typedef struct registration {
    const char *table;
    const char *name;
    int function;
    int joins_arguments;
} registration;

static int register_function(lua_State *L) {
    registration *r = lua_touserdata(L, 1);
    lua_pushinteger(L, r->function);
    lua_pushcclosure(L, r->joins_arguments ? joining_trampoline : trampoline, 1); // Stack: r, f
    if (r->table == NULL) {
        lua_setglobal(L, r->name);
        return 0;
    }
    if (lua_getglobal(L, r->table) != LUA_TTABLE) { // Stack: r, f, table?
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setglobal(L, r->table);
    }
    lua_insert(L, -2); // Stack: r, table, f
    lua_setfield(L, -2, r->name);
    return 0;
}

int luashim_register(lua_State *L, const char *table, const char *name, int function, int joins_arguments) {
    registration r = {table, name, function, joins_arguments};
    return protect(L, register_function, &r, 0);
}

typedef struct new_thread {
    int slot;
    const unsigned char *argument;
    size_t length;
    lua_State *thread;
    int reference;
} new_thread;

// Stack: [function,] arguments → [function,] (slot 0 takes the function from below the arguments)
static int make_thread(lua_State *L) {
    new_thread *t = lua_touserdata(L, -1);
    lua_pop(L, 1);
    lua_State *thread = lua_newthread(L);         // Stack: [function,] thread
    lua_rawgetp(L, LUA_REGISTRYINDEX, &runs_key); // Stack: [function,] thread, runs
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3); // runs[thread] = true
    lua_pop(L, 1);     // Stack: [function,] thread
    if (t->slot == 0) {
        lua_pushvalue(L, -2); // Stack: function, thread, function
    } else {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &handlers_key);
        lua_rawgeti(L, -1, t->slot); // Stack: thread, handlers, handler
        lua_remove(L, -2);
    }
    int count = 1 + push_encoded(L, t->argument, t->length); // Stack: thread, function, arguments…
    lua_xmove(L, thread, count);                             // Stack: thread
    t->thread = thread;
    t->reference = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int luashim_load(lua_State *L, const char *source, size_t length, const char *chunkname, lua_State **thread,
                 int *reference) {
    start_deadline(rule_of(L));
    int status = luaL_loadbufferx(L, source, length, chunkname, "t"); // Stack: chunk or error
    if (status != LUA_OK) return status;
    new_thread t = {0, NULL, 0, NULL, LUA_NOREF};
    // make_thread reads its arguments from the top, below which the chunk stays until the call ends.
    lua_pushcfunction(L, make_thread);
    lua_insert(L, -2); // Stack: make_thread, chunk
    lua_pushlightuserdata(L, &t);
    status = lua_pcall(L, 2, 0, 0);
    *thread = t.thread;
    *reference = t.reference;
    return status;
}

int luashim_start(lua_State *L, int slot, const unsigned char *argument, size_t length, lua_State **thread,
                  int *reference) {
    new_thread t = {slot, argument, length, NULL, LUA_NOREF};
    int status = protect(L, make_thread, &t, 0);
    *thread = t.thread;
    *reference = t.reference;
    return status;
}

static int release_thread(lua_State *L) {
    int reference = *(int *)lua_touserdata(L, 1);
    luaL_unref(L, LUA_REGISTRYINDEX, reference);
    return 0;
}

int luashim_release(lua_State *L, int reference) {
    return protect(L, release_thread, &reference, 0);
}

int luashim_resume(lua_State *L, lua_State *thread, int arguments, int *results, int *waiting) {
    start_deadline(rule_of(L));
    int status = lua_resume(thread, L, arguments, results);
    *waiting = status == LUA_YIELD && *results == 1 && lua_touserdata(thread, -1) == &wait_marker;
    return status;
}

typedef struct description {
    lua_State *thread;
    int failed;
} description;

static int describe(lua_State *L) {
    description *d = lua_touserdata(L, 1);
    lua_State *thread = d->thread;
    if (!d->failed) {
        lua_pushnil(L);
    } else {
        // The error object is on top of the dead thread's stack; its frames stay for the traceback.
        lua_xmove(thread, L, 1); // Stack: d, error
        int type = lua_type(L, -1);
        if (type == LUA_TSTRING || type == LUA_TNUMBER) {
            lua_tostring(L, -1);
        } else if (luaL_callmeta(L, -1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            lua_remove(L, -2); // Stack: d, text
        } else {
            if (lua_gettop(L) > 2) lua_pop(L, 1); // a __tostring result that is not text
            lua_pushfstring(L, "error object is a %s value", luaL_typename(L, -1));
            lua_remove(L, -2); // Stack: d, text
        }
    }
    lua_Debug ar;
    int located = 0;
    for (int level = 0; lua_getstack(thread, level, &ar); level++) {
        lua_getinfo(thread, "Sl", &ar);
        if (ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
            located = 1;
            break;
        }
    }
    if (!located) lua_pushnil(L);
    luaL_traceback(L, thread, NULL, 0);
    return 3;
}

int luashim_describe(lua_State *L, lua_State *thread, int failed) {
    luashim_rule *rule = rule_of(L);
    description d = {thread, failed};
    int enforced = rule->enforce_limit;
    rule->enforce_limit = 0;
    int status = protect(L, describe, &d, 3);
    rule->enforce_limit = enforced;
    return status;
}

static int get_data(lua_State *L) {
    // Raw: a metatable the rule put on its globals plays no part.
    lua_pushglobaltable(L);
    lua_pushliteral(L, "data");
    lua_rawget(L, -2);
    return 1;
}

int luashim_push_data(lua_State *L) {
    return protect(L, get_data, NULL, 1);
}

typedef struct encoded_value {
    const unsigned char *bytes;
    size_t length;
} encoded_value;

static int set_data(lua_State *L) {
    encoded_value *v = lua_touserdata(L, 1);
    push_encoded(L, v->bytes, v->length);
    if (lua_type(L, -1) != LUA_TTABLE) {
        lua_settop(L, 1);
        lua_newtable(L);
    }
    lua_setglobal(L, "data");
    return 0;
}

int luashim_set_data(lua_State *L, const unsigned char *value, size_t length) {
    encoded_value v = {value, length};
    return protect(L, set_data, &v, 0);
}

static int collect(lua_State *L) {
    lua_gc(L, LUA_GCCOLLECT);
    return 0;
}

int luashim_collect(lua_State *L) {
    return protect(L, collect, NULL, 0);
}
