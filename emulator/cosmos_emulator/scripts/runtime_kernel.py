"""JavaScript source of the runtime kernel: errors, request/response objects, console, the run loop.

Installed once per V8 context (see :mod:`.host`). It defines the globals scripts see (``getContext``,
``__``, ``console``, ``ErrorCodes`` and a Chakra-compatible ``Error``) and a hidden
``__cosmosEmulatorRuntime`` object that Python drives:

* ``start(setup, body, params)`` begins an execution and calls the script function;
* ``deliver(id, outcome)`` hands the result of one queued collection operation to its callback;
* ``settle()`` is called when nothing was queued at the end of a step: promise continuations have run
  in between (V8 runs microtasks after each evaluation), so it either reports new work or finishes;
* ``abandon()`` drops an execution that failed or was terminated;
* ``udf(key, body, args, undefinedPositions)`` calls a user-defined function.

Each of them returns a JSON text: ``{"s": "op", "op": {...}}`` (an operation for Python to run),
``{"s": "idle"}``, ``{"s": "done", ...}`` or ``{"s": "error", "e": {...}}``.

Collection operations never run inside JavaScript: a script's ``createDocument(...)`` queues the
operation and returns ``true`` ("accepted"); Python executes queued operations one at a time, in order,
and each callback runs right after its own operation, which is the service's asynchronous callback
model. The collection API itself is in :mod:`.runtime_collection`.
"""

KERNEL_SOURCE = r"""
(function (global) {
    "use strict";
    var NativeError = global.Error;
    var jsonParse = JSON.parse;
    var jsonStringify = JSON.stringify;
    var defineProperty = Object.defineProperty;
    var hasOwn = Object.prototype.hasOwnProperty;
    var SCRIPT_SOURCE = "script.js";
    var LOG_HEADER = "x-ms-documentdb-script-log-results";
    // Sizes the wrapper checks with string lengths, like the service's own approximation.
    var MAX_RESPONSE_BODY = 2 * 1024 * 1024;
    var MAX_LOG = 8 * 1024;
    var MAX_COMPILED = 256;

    var ErrorCodes = Object.freeze({
        BadRequest: 400, Forbidden: 403, NotFound: 404, Conflict: 409, PreconditionFailed: 412,
        RequestEntityTooLarge: 413, RetryWith: 449, InternalServerError: 500
    });

    // ------------------------------------------------------------------------------------ errors
    // The service's engine accepts JScript's `new Error(number, message)`; scripts rely on it to
    // choose the sub-status of the failure, so the global Error understands both forms.
    var numberedByScript = new WeakSet();

    function setNumber(error, number) {
        defineProperty(error, "number", {value: number, writable: true, configurable: true, enumerable: false});
    }

    function ScriptError(first, second) {
        var error;
        if (arguments.length >= 2 && typeof first === "number") {
            error = new NativeError(second);
            setNumber(error, first);
            numberedByScript.add(error);
        } else if (arguments.length === 0) {
            error = new NativeError();
        } else {
            error = new NativeError(first);
        }
        NativeError.captureStackTrace(error, new.target || ScriptError);
        if (new.target && new.target !== ScriptError) {
            Object.setPrototypeOf(error, new.target.prototype);
        }
        return error;
    }
    ScriptError.prototype = NativeError.prototype;
    defineProperty(ScriptError, "name", {value: "Error", configurable: true});
    Object.setPrototypeOf(ScriptError, NativeError);
    defineProperty(NativeError.prototype, "constructor",
                   {value: ScriptError, writable: true, configurable: true, enumerable: false});

    function fail(number, message) {
        return new ScriptError(number, message);
    }

    function sprintf(format, args) {
        var index = 0;
        return String(format).replace(/%((%)|s)/g, function (match, whole, percent) {
            return percent || String(args[index++]);
        });
    }

    // What the gateway reports about a thrown value: its text, the script frames of its stack and
    // its number (which becomes the x-ms-substatus of the 400 answer).
    function describeThrown(value) {
        var described = {text: "", stack: null, number: null};
        var isError = value instanceof NativeError ||
            (value !== null && typeof value === "object" && typeof value.stack === "string" && "message" in value);
        if (isError) {
            var name = value.name === undefined ? "Error" : String(value.name);
            var message = value.message === undefined ? "" : String(value.message);
            var prefix = numberedByScript.has(value) ? String(value.number) + ": " : "";
            described.text = name + ": " + prefix + message;
            described.stack = described.text + scriptFrames(value.stack);
            if (typeof value.number === "number" && isFinite(value.number)) {
                described.number = value.number;
            }
        } else if (typeof value === "string") {
            described.text = value;
        } else if (value !== null && typeof value === "object" &&
                   Object.getPrototypeOf(value) === Object.prototype) {
            try { described.text = jsonStringify(value); } catch (ignored) { described.text = "[object Object]"; }
        } else {
            try { described.text = String(value); } catch (ignored) { described.text = typeof value; }
        }
        return described;
    }

    function scriptFrames(stack) {
        if (typeof stack !== "string") return "";
        var lines = stack.split("\n");
        var kept = [];
        for (var i = 1; i < lines.length; i++) {
            if (/^\s+at /.test(lines[i]) && lines[i].indexOf(SCRIPT_SOURCE) >= 0) kept.push(lines[i]);
        }
        return kept.length ? "\n" + kept.join("\n") : "";
    }

    // The error a failed operation hands to its callback; `number` and `body` are plain (enumerable)
    // properties, as the host sets them on the error object it creates.
    function operationError(status, body) {
        var error = new NativeError(body);
        error.number = status;
        error.body = body;
        return error;
    }

    // ------------------------------------------------------------------- request and response
    // A map of named values with getX/setX/appendX accessors per name and getValue/setValue/
    // appendValue for all of them, as the service builds its Request and Response objects.
    function PropertyMap(entries) {
        var self = this;
        var sizes = {};

        function entry(name) {
            if (name === undefined) return undefined;
            var found = hasOwn.call(entries, name) ? entries[name] : undefined;
            if (found === undefined) throw fail(ErrorCodes.BadRequest, "Cannot set new values: " + name);
            if (!found.writable) throw fail(ErrorCodes.Forbidden, "Not a writable property: " + name);
            return found;
        }

        function measure(value) {
            if (value === null || value === undefined) return 0;
            if (typeof value === "object") value = jsonStringify(value);
            return value === undefined ? 0 : String(value).length;
        }

        function checkSize(name, size) {
            var found = entries[name];
            if (found.limit && size > found.limit) {
                throw fail(ErrorCodes.RequestEntityTooLarge, "Resulting message would be too large because of \"" +
                    name + "\". Return from script with current message and use continuation token to call " +
                    "the script again or modify your script.");
            }
        }

        function setValue(name, value) {
            var found = entry(name);
            if (found === undefined) return;
            var size = measure(value);
            checkSize(name, size);
            sizes[name] = size;
            found.value = value;
        }

        function appendValue(name, value) {
            var found = entry(name);
            if (found === undefined) return;
            if (typeof found.value === "string") {
                var size = (sizes[name] || found.value.length) + measure(value);
                checkSize(name, size);
                sizes[name] = size;
                found.value += value;
            } else {
                var combined = found.value === null || found.value === undefined ? value : found.value + value;
                var total = measure(combined);
                checkSize(name, total);
                sizes[name] = total;
                found.value = combined;
            }
        }

        function getValue(name) {
            if (name === undefined || !hasOwn.call(entries, name)) return undefined;
            return entries[name].value;
        }

        var anyWritable = false;
        Object.keys(entries).forEach(function (name) {
            if (entries[name].writable) {
                anyWritable = true;
                self["set" + name] = function (value) { setValue(name, value); };
                self["append" + name] = function (value) { appendValue(name, value); };
            }
            self["get" + name] = function () { return getValue(name); };
        });
        if (anyWritable) {
            self.setValue = setValue;
            self.appendValue = appendValue;
        }
        self.getValue = getValue;
    }

    function headerEntries(headers, into) {
        Object.keys(headers || {}).forEach(function (name) {
            into[name] = {value: headers[name], writable: false};
        });
        return into;
    }

    // ---------------------------------------------------------------------- the current execution
    var run = null;
    var collectionObject = null;   // set by the collection part
    var makeUnderscore = null;     // set by the collection part
    var compiled = new Map();
    var udfs = new Map();
    var ABORT = {};

    function current() {
        if (run === null) throw fail(ErrorCodes.BadRequest, "No script is executing.");
        return run;
    }

    function Context(execution) {
        var request = execution.request;
        var response = execution.response;
        this.getCollection = function () { return collectionObject; };
        this.abort = function (error) {
            if (execution.error === null) execution.error = describeThrown(error);
            throw ABORT;
        };
        if (request) this.getRequest = function () { return request; };
        if (response) this.getResponse = function () { return response; };
    }

    function startExecution(setup) {
        var requestEntries = headerEntries(setup.requestHeaders, {});
        requestEntries.Body = {value: setup.requestBody, writable: setup.kind === "pre"};
        if (setup.operationType) requestEntries.OperationType = {value: setup.operationType, writable: false};
        var execution = {
            kind: setup.kind,
            selfLink: setup.selfLink,
            altLink: setup.altLink,
            queue: [],
            pending: new Map(),
            nextId: 1,
            error: null,
            operationsLeft: typeof setup.operationBudget === "number" ? setup.operationBudget : null,
            softDeadline: setup.softDeadline || 0,
            logEnabled: setup.logEnabled === true,
            responseEntries: null,
            request: null,
            response: null,
            // The bodies as given, serialized by JavaScript itself, so that `settle` can tell Python
            // whether the script changed them (by setBody or in place) without precision noise.
            givenRequestBody: serialize(setup.requestBody),
            givenResponseBody: setup.kind === "sproc" ? null : serialize(setup.responseBody)
        };
        execution.request = new PropertyMap(requestEntries);
        if (setup.kind !== "pre") {
            var responseEntries = headerEntries(setup.responseHeaders, {});
            responseEntries.Body = {value: setup.kind === "sproc" ? "" : setup.responseBody, writable: true,
                                    limit: MAX_RESPONSE_BODY};
            responseEntries[LOG_HEADER] = {value: "", writable: true, limit: MAX_LOG};
            if (setup.maxResourceQuota !== undefined) {
                responseEntries.MaxResourceQuota = {value: setup.maxResourceQuota, writable: false};
            }
            if (setup.resourceQuotaUsage !== undefined) {
                responseEntries.ResourceQuotaCurrentUsage = {value: setup.resourceQuotaUsage, writable: false};
            }
            execution.responseEntries = responseEntries;
            execution.response = new PropertyMap(responseEntries);
        }
        execution.context = new Context(execution);
        execution.underscore = makeUnderscore(execution);
        return execution;
    }

    // Queues one collection operation; false ("not accepted") once the execution's budget is spent.
    function enqueue(operation, handler) {
        var execution = current();
        if (execution.error !== null) return false;
        if (execution.operationsLeft !== null) {
            if (execution.operationsLeft <= 0) return false;
            execution.operationsLeft--;
        }
        if (execution.softDeadline && Date.now() >= execution.softDeadline) return false;
        operation.id = execution.nextId++;
        execution.queue.push({operation: operation, handler: handler});
        return true;
    }

    function record(error) {
        if (run !== null && run.error === null && error !== ABORT) run.error = describeThrown(error);
    }

    function nextStep() {
        var execution = run;
        if (execution.error !== null) return jsonStringify({s: "error", e: execution.error});
        if (execution.queue.length > 0) {
            var queued = execution.queue.shift();
            execution.pending.set(queued.operation.id, queued.handler);
            return jsonStringify({s: "op", op: queued.operation});
        }
        return '{"s":"idle"}';
    }

    // ---------------------------------------------------------------------- compiling user code
    function compile(body) {
        var cached = compiled.get(body);
        if (cached !== undefined) return cached;
        var source = String(body);
        var fn;
        try {
            fn = (0, eval)("(" + source + "\n)\n//# sourceURL=" + SCRIPT_SOURCE);
        } catch (error) {
            // A function statement followed by a semicolon is common in script bodies.
            var trimmed = source.replace(/[\s;]+$/, "");
            if (!(error instanceof SyntaxError) || trimmed === source) throw error;
            fn = (0, eval)("(" + trimmed + "\n)\n//# sourceURL=" + SCRIPT_SOURCE);
        }
        if (typeof fn !== "function") {
            throw new SyntaxError("The script body must be a JavaScript function.");
        }
        if (compiled.size >= MAX_COMPILED) compiled.clear();
        compiled.set(body, fn);
        return fn;
    }

    function compileError(error) {
        var described = describeThrown(error);
        described.compile = true;
        return described;
    }

    // -------------------------------------------------------------------- global state hygiene
    // Scripts share one V8 context; what one execution leaves on the global object is removed
    // before the next starts.
    var baseline = null;

    function captureBaseline() {
        baseline = new Map();
        Reflect.ownKeys(global).forEach(function (key) {
            baseline.set(key, Object.getOwnPropertyDescriptor(global, key));
        });
    }

    function restoreGlobals() {
        if (baseline === null) return;
        Reflect.ownKeys(global).forEach(function (key) {
            if (!baseline.has(key)) {
                try { delete global[key]; } catch (ignored) { /* non-configurable: nothing to do */ }
            }
        });
        baseline.forEach(function (descriptor, key) {
            var now = Object.getOwnPropertyDescriptor(global, key);
            if (now === undefined || ("value" in descriptor && now.value !== descriptor.value)) {
                try { defineProperty(global, key, descriptor); } catch (ignored) { /* frozen by the script */ }
            }
        });
    }

    function finishExecution() {
        run = null;
        restoreGlobals();
    }

    function serialize(value) {
        var text = jsonStringify(value);
        return text === undefined ? null : text;
    }

    // --------------------------------------------------------------------------- Python's API
    var runtime = {
        start: function (setupText, body, paramsText) {
            finishExecution();
            var setup = jsonParse(setupText);
            var fn;
            try {
                fn = compile(body);
            } catch (error) {
                return jsonStringify({s: "error", e: compileError(error)});
            }
            run = startExecution(setup);
            try {
                var params = paramsText === null ? undefined : jsonParse(paramsText);
                if (setup.kind === "sproc") {
                    fn.apply(undefined, params === null ? undefined : params);
                } else {
                    fn.call(undefined);
                }
            } catch (error) {
                record(error);
            }
            return nextStep();
        },
        deliver: function (id, outcomeText) {
            var execution = current();
            var handler = execution.pending.get(id);
            execution.pending.delete(id);
            if (handler !== undefined && execution.error === null) {
                try {
                    handler(jsonParse(outcomeText));
                } catch (error) {
                    record(error);
                }
            }
            return nextStep();
        },
        settle: function () {
            var step = nextStep();
            if (step !== '{"s":"idle"}') return step;
            var execution = run;
            var result = {
                s: "done",
                requestBody: serialize(execution.request.getValue("Body")),
                responseBody: execution.response ? serialize(execution.response.getValue("Body")) : null,
                log: execution.logEnabled && execution.responseEntries ?
                    String(execution.responseEntries[LOG_HEADER].value) : null
            };
            result.requestBodyChanged = result.requestBody !== execution.givenRequestBody;
            result.responseBodyChanged = result.responseBody !== execution.givenResponseBody;
            finishExecution();
            return jsonStringify(result);
        },
        abandon: function () {
            var log = run !== null && run.logEnabled && run.responseEntries ?
                String(run.responseEntries[LOG_HEADER].value) : null;
            finishExecution();
            return jsonStringify({log: log});
        },
        check: function (body) {
            try {
                compile(body);
                return "";
            } catch (error) {
                return jsonStringify(compileError(error));
            }
        },
        udf: function (key, body, argsText, undefinedPositions) {
            var fn = udfs.get(key);
            try {
                if (fn === undefined) {
                    fn = compile(body);
                    udfs.set(key, fn);
                }
            } catch (error) {
                return "e" + jsonStringify(compileError(error));
            }
            var args = jsonParse(argsText);
            for (var i = 0; i < undefinedPositions.length; i++) args[undefinedPositions[i]] = undefined;
            try {
                var text = jsonStringify(fn.apply(undefined, args));
                return text === undefined ? "u" : "j" + text;
            } catch (error) {
                return "e" + jsonStringify(describeThrown(error));
            }
        },
        forgetUdfs: function () { udfs.clear(); },
        captureBaseline: captureBaseline
    };

    // Shared with the collection part, which is installed right after this one.
    var kernel = Object.freeze({
        ErrorCodes: ErrorCodes,
        fail: fail,
        operationError: operationError,
        enqueue: enqueue,
        current: current,
        setCollection: function (collection, underscoreFactory) {
            collectionObject = collection;
            makeUnderscore = underscoreFactory;
        }
    });

    function logToResponse() {
        var execution = run;
        if (execution === null || !execution.logEnabled || !execution.response) return;
        if (arguments.length < 1) {
            throw fail(ErrorCodes.BadRequest,
                       "The function \"log\" requires at least 1 argument(s) but was called with 0 argument(s).");
        }
        if (arguments.length === 1) {
            execution.response.appendValue(LOG_HEADER, arguments[0]);
        } else if (typeof arguments[0] === "string") {
            execution.response.appendValue(LOG_HEADER, sprintf(arguments[0], Array.prototype.slice.call(arguments, 1)));
        } else {
            throw fail(ErrorCodes.BadRequest, "First argument to console.log should be a string containing zero or " +
                       "more substitution strings.");
        }
    }

    function constant(name, value) {
        defineProperty(global, name, {value: value, writable: false, configurable: false, enumerable: false});
    }

    constant("__cosmosEmulatorRuntime", Object.freeze({api: Object.freeze(runtime), kernel: kernel}));
    constant("ErrorCodes", ErrorCodes);
    constant("console", Object.freeze({log: logToResponse}));
    constant("getContext", function getContext() { return current().context; });
    defineProperty(global, "__", {get: function () { return current().underscore; }, configurable: false,
                                  enumerable: false});
    global.Error = ScriptError;
    // The service's engine has no timers; mini-racer installs some for its own event loop.
    global.setTimeout = undefined;
    global.clearTimeout = undefined;
})(globalThis);
//# sourceURL=cosmos-runtime.js
"""
