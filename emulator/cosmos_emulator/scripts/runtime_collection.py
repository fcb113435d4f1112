"""JavaScript source of the collection API scripts use: ``getContext().getCollection()`` and ``__``.

Installed after :mod:`.runtime_kernel`, whose internals it reaches through
``__cosmosEmulatorRuntime.kernel``. Argument handling follows the service's documented server-side
API: optional ``options`` and ``callback``, links checked against the current collection (a bad link
throws at once, before anything is queued), ids generated for new documents that have none, bodies
serialized at call time, and callbacks invoked as ``(error, resource, options)`` — or ``(error,
options)`` for ``deleteDocument``. Without a callback a failed operation throws from the script.

The operations handed to Python (see :mod:`.operations`) are::

    {"type": "create" | "upsert", "body": "<json>", "options": {...}}
    {"type": "read" | "delete", "link": "...", "options": {...}}
    {"type": "replace", "link": "...", "body": "<json>", "options": {...}}
    {"type": "query", "query": "<sql>" | {"query": ..., "parameters": [...]},
     "pageSize": n, "continuation": "..." | null}

The JavaScript query API (``filter``, ``map``, ``pluck``, ``sortBy``, ``sortByDescending``,
``flatten``, ``unwind``, ``chain().….value()``) reads the logical partition with one query operation
and applies the functions here, paging the result with ``pageSize``/``continuation``.
"""

COLLECTION_SOURCE = r"""
(function (global) {
    "use strict";
    var K = global.__cosmosEmulatorRuntime.kernel;
    var ErrorCodes = K.ErrorCodes;
    var jsonStringify = JSON.stringify;
    var jsonParse = JSON.parse;
    var ALL_DOCUMENTS = "SELECT * FROM root r";

    function sprintf(format) {
        var args = arguments;
        var index = 1;
        return format.replace(/%s/g, function () { return String(args[index++]); });
    }

    function badRequest(message) {
        return K.fail(ErrorCodes.BadRequest, message);
    }

    function requireArguments(name, minimum, count) {
        if (count < minimum) {
            throw badRequest(sprintf("The function \"%s\" requires at least %s argument(s) but was called with %s " +
                                     "argument(s).", name, minimum, count));
        }
    }

    function optionsAndCallback(options, callback) {
        var resolved = {options: {}, callback: undefined};
        if (options === undefined) {
            resolved.options = {};
        } else if (callback === undefined && typeof options === "function") {
            resolved.callback = options;
        } else if (typeof options !== "object" || options === null) {
            throw badRequest(sprintf("The \"options\" parameter must be of type \"object\". Actual type is: \"%s\".",
                                     options === null ? "null" : typeof options));
        } else {
            resolved.options = options;
        }
        if (callback !== undefined && typeof callback !== "function") {
            throw badRequest(sprintf("The \"callback\" parameter must be of type \"function\". Actual type is: " +
                                     "\"%s\".", typeof callback));
        } else if (typeof callback === "function") {
            resolved.callback = callback;
        }
        return resolved;
    }

    function withoutTrailingSlash(link) {
        return link.charAt(link.length - 1) === "/" ? link.slice(0, -1) : link;
    }

    function belongs(link, base) {
        return typeof base === "string" && base !== "" && link.indexOf(withoutTrailingSlash(base)) === 0;
    }

    function checkCollectionLink(link) {
        if (typeof link !== "string") throw badRequest(sprintf("Invalid collection link: \"%s\".", link));
        var segments = link.split("/");
        if (segments.length < 4 || segments.length > 5 || (segments.length === 5 && segments[4] !== "") ||
            segments[0].toLowerCase() !== "dbs" || segments[2].toLowerCase() !== "colls") {
            throw badRequest(sprintf("Invalid collection link: \"%s\".", link));
        }
        var execution = K.current();
        var normalized = withoutTrailingSlash(link);
        if (normalized !== withoutTrailingSlash(execution.selfLink) &&
            !(execution.altLink && normalized === withoutTrailingSlash(execution.altLink))) {
            throw badRequest(sprintf("Function is not allowed to operate on resources outside current collection. " +
                                     "Make sure that the link provided, \"%s\", belongs to current collection.", link));
        }
    }

    function checkDocumentLink(link) {
        if (typeof link !== "string") throw badRequest(sprintf("Invalid document link: \"%s\".", link));
        var segments = link.split("/");
        if (segments.length < 6 || segments.length > 7 || (segments.length === 7 && segments[6] !== "") ||
            segments[0].toLowerCase() !== "dbs" || segments[2].toLowerCase() !== "colls" ||
            segments[4].toLowerCase() !== "docs") {
            throw badRequest(sprintf("Invalid document link: \"%s\".", link));
        }
        var execution = K.current();
        if (!belongs(link, execution.selfLink) && !belongs(link, execution.altLink)) {
            throw badRequest(sprintf("Function is not allowed to operate on resources outside current collection. " +
                                     "Make sure that the link provided, \"%s\", belongs to current collection.", link));
        }
    }

    function newGuid() {
        var hex = "";
        for (var i = 0; i < 32; i++) hex += Math.floor(Math.random() * 16).toString(16);
        return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" +
            hex.slice(20);
    }

    // The JSON text of a document to write, with a generated id when it has none.
    function documentText(body, options) {
        if (body === null || !(typeof body === "object" || typeof body === "string")) {
            throw badRequest("The document body must be an object or a string representing a JSON-serialized object.");
        }
        if (options.disableAutomaticIdGeneration !== true) {
            var parsed = typeof body === "string" ? jsonParse(body) : body;
            if (parsed !== null && typeof parsed === "object" && !parsed.id) {
                var copy = {};
                for (var name in parsed) copy[name] = parsed[name];
                copy.id = newGuid();
                body = copy;
            }
        }
        return typeof body === "string" ? body : jsonStringify(body);
    }

    function writeOptions(options) {
        var chosen = {};
        if (options.etag) chosen.etag = String(options.etag);
        if (options.indexAction) chosen.indexAction = String(options.indexAction);
        if (options.disableAutomaticIdGeneration === true) chosen.disableAutomaticIdGeneration = true;
        return chosen;
    }

    function responseOptions(outcome) {
        var options = {};
        var given = outcome.options || {};
        for (var name in given) options[name] = given[name];
        return options;
    }

    // Turns an operation outcome into the callback call the service makes.
    function completion(callback, shape) {
        return function (outcome) {
            if (!outcome.ok) {
                var error = K.operationError(outcome.status, outcome.body);
                if (callback) { callback(error); return; }
                throw error;
            }
            if (!callback) return;
            var options = responseOptions(outcome);
            if (shape === "delete") callback(undefined, options);
            else if (shape === "read" && options.notModified) callback(undefined, undefined, options);
            else callback(undefined, outcome.result, options);
        };
    }

    function pageOptions(options) {
        return {
            pageSize: options.pageSize || 100,
            continuation: options.continuation ? String(options.continuation) : null
        };
    }

    // ------------------------------------------------------------------------ the collection
    function Collection() {}

    Collection.prototype.getSelfLink = function () { return K.current().selfLink; };
    Collection.prototype.getAltLink = function () { return K.current().altLink || undefined; };

    Collection.prototype.createDocument = function (collectionLink, body, options, callback) {
        requireArguments("createDocument", 2, arguments.length);
        checkCollectionLink(collectionLink);
        var resolved = optionsAndCallback(options, callback);
        var text = documentText(body, resolved.options);
        return K.enqueue({type: "create", body: text, options: writeOptions(resolved.options)},
                         completion(resolved.callback, "resource"));
    };

    Collection.prototype.upsertDocument = function (collectionLink, body, options, callback) {
        requireArguments("upsertDocument", 2, arguments.length);
        checkCollectionLink(collectionLink);
        var resolved = optionsAndCallback(options, callback);
        var text = documentText(body, resolved.options);
        return K.enqueue({type: "upsert", body: text, options: writeOptions(resolved.options)},
                         completion(resolved.callback, "resource"));
    };

    Collection.prototype.readDocument = function (documentLink, options, callback) {
        requireArguments("readDocument", 1, arguments.length);
        checkDocumentLink(documentLink);
        var resolved = optionsAndCallback(options, callback);
        var chosen = {};
        if (resolved.options.ifNoneMatch) chosen.ifNoneMatch = String(resolved.options.ifNoneMatch);
        return K.enqueue({type: "read", link: documentLink, options: chosen}, completion(resolved.callback, "read"));
    };

    Collection.prototype.replaceDocument = function (documentLink, document, options, callback) {
        requireArguments("replaceDocument", 2, arguments.length);
        checkDocumentLink(documentLink);
        var text = typeof document === "object" ? jsonStringify(document) : document;
        var resolved = optionsAndCallback(options, callback);
        return K.enqueue({type: "replace", link: documentLink, body: text === undefined ? null : String(text),
                          options: writeOptions(resolved.options)},
                         completion(resolved.callback, "resource"));
    };

    Collection.prototype.deleteDocument = function (documentLink, options, callback) {
        requireArguments("deleteDocument", 1, arguments.length);
        checkDocumentLink(documentLink);
        var resolved = optionsAndCallback(options, callback);
        return K.enqueue({type: "delete", link: documentLink, options: writeOptions(resolved.options)},
                         completion(resolved.callback, "delete"));
    };

    Collection.prototype.queryDocuments = function (collectionLink, filterQuery, options, callback) {
        requireArguments("queryDocuments", 2, arguments.length);
        checkCollectionLink(collectionLink);
        if (typeof filterQuery !== "string" && (typeof filterQuery !== "object" || filterQuery === null)) {
            throw badRequest(sprintf("The \"filterQuery\" parameter must be of type \"string\" or \"object\". Actual " +
                                     "type is: \"%s\".", filterQuery === null ? "null" : typeof filterQuery));
        }
        var resolved = optionsAndCallback(options, callback);
        var query = typeof filterQuery === "string" ? filterQuery :
            {query: filterQuery.query, parameters: filterQuery.parameters || []};
        var paging = pageOptions(resolved.options);
        return K.enqueue({type: "query", query: query, pageSize: paging.pageSize, continuation: paging.continuation},
                         completion(resolved.callback, "feed"));
    };

    Collection.prototype.readDocuments = function (collectionLink, options, callback) {
        requireArguments("readDocuments", 1, arguments.length);
        checkCollectionLink(collectionLink);
        var resolved = optionsAndCallback(options, callback);
        var paging = pageOptions(resolved.options);
        return K.enqueue({type: "query", query: ALL_DOCUMENTS, pageSize: paging.pageSize,
                          continuation: paging.continuation},
                         completion(resolved.callback, "feed"));
    };

    // ------------------------------------------------------------------ JavaScript query API
    var TYPE_RANK = {undefined: 0, object: 1, boolean: 2, number: 3, string: 4};

    function rank(value) {
        if (value === null) return 1;
        if (Array.isArray(value)) return 5;
        var found = TYPE_RANK[typeof value];
        return found === undefined ? 6 : (typeof value === "object" ? 6 : found);
    }

    function compareKeys(left, right) {
        var leftRank = rank(left);
        var rightRank = rank(right);
        if (leftRank !== rightRank) return leftRank - rightRank;
        if (leftRank === 2 || leftRank === 3 || leftRank === 4) return left < right ? -1 : (left > right ? 1 : 0);
        return 0;
    }

    function sortFeed(feed, keyOf, descending) {
        var keyed = feed.map(function (item, index) { return {key: keyOf(item), index: index, item: item}; });
        keyed.sort(function (a, b) {
            var order = compareKeys(a.key, b.key);
            if (descending) order = -order;
            return order !== 0 ? order : a.index - b.index;
        });
        return keyed.map(function (entry) { return entry.item; });
    }

    function deepFlatten(feed, into) {
        feed.forEach(function (item) {
            if (Array.isArray(item)) deepFlatten(item, into);
            else into.push(item);
        });
        return into;
    }

    var STAGES = {
        filter: function (feed, fn) { return Array.prototype.filter.call(feed, fn); },
        map: function (feed, fn) { return Array.prototype.map.call(feed, fn); },
        sortBy: function (feed, fn) { return sortFeed(feed, fn, false); },
        sortByDescending: function (feed, fn) { return sortFeed(feed, fn, true); },
        flatten: function (feed, isShallow) {
            if (isShallow !== true) return deepFlatten(feed, []);
            var result = [];
            feed.forEach(function (item) { result = result.concat(item); });
            return result;
        },
        unwind: function (feed, selectors) {
            var result = [];
            feed.forEach(function (item) {
                var inner = selectors[0](item);
                if (!Array.isArray(inner)) return;
                inner.forEach(function (innerItem) {
                    result.push(selectors[1] ? selectors[1](item, innerItem) : innerItem);
                });
            });
            return result;
        }
    };

    function defaultFeedCallback(error, feed) {
        if (error) throw error;
        var context = global.getContext();
        if (!context.getResponse) {
            throw badRequest("The callback function must be provided for scenarios, such as pre-trigger, when " +
                             "response object is not available.");
        }
        context.getResponse().appendBody(jsonStringify(feed));
    }

    function runPipeline(stages, options, userCallback) {
        var resolved = optionsAndCallback(options, userCallback);
        var callback = resolved.callback || defaultFeedCallback;
        var paging = pageOptions(resolved.options);
        var skip = 0;
        if (paging.continuation !== null) {
            var token = /^js:(\d+)$/.exec(paging.continuation);
            if (token === null) throw badRequest("Invalid continuation token: \"" + paging.continuation + "\".");
            skip = Number(token[1]);
        }
        var accepted = K.enqueue({type: "query", query: ALL_DOCUMENTS, pageSize: -1, continuation: null},
            function (outcome) {
                if (!outcome.ok) {
                    callback(K.operationError(outcome.status, outcome.body));
                    return;
                }
                var feed;
                try {
                    feed = outcome.result;
                    stages.forEach(function (stage) { feed = STAGES[stage.name](feed, stage.argument); });
                } catch (error) {
                    callback(error);
                    return;
                }
                var size = paging.pageSize > 0 ? paging.pageSize : feed.length;
                var page = feed.slice(skip, skip + size);
                var next = skip + size < feed.length ? "js:" + (skip + size) : undefined;
                callback(undefined, page, {continuation: next});
            });
        return {isAccepted: accepted};
    }

    function isCollection(value) {
        return value instanceof Collection;
    }

    // Normalizes the optional leading collection argument of the query functions.
    function leadingCollection(args) {
        var list = Array.prototype.slice.call(args);
        if (list.length > 0 && (list[0] === undefined || isCollection(list[0]))) list.shift();
        return list;
    }

    function stageWithFunction(name, fn) {
        if (typeof fn !== "function") throw badRequest("The predicate/transform function must be provided.");
        return {name: name, argument: fn};
    }

    function stageFrom(name, list) {
        if (name === "pluck") {
            var property = list.shift();
            if (typeof property !== "string" || !property) {
                throw badRequest("The property name must be a string and cannot be empty.");
            }
            return {name: "map", argument: function (item) { return item[property]; }};
        }
        if (name === "flatten") {
            var shallow = typeof list[0] === "boolean" ? list.shift() : false;
            return {name: "flatten", argument: shallow};
        }
        if (name === "unwind") {
            var collectionSelector = list.shift();
            if (!collectionSelector) throw badRequest("When using \"unwind\", \"collectionSelector\" must be used.");
            if (typeof collectionSelector !== "function") {
                throw badRequest("When using \"unwind\", \"collectionSelector\" must be a function.");
            }
            var resultSelector = typeof list[0] === "function" ? list.shift() : undefined;
            return {name: "unwind", argument: [collectionSelector, resultSelector]};
        }
        return stageWithFunction(name, list.shift());
    }

    function Chain() {
        this.stages = [];
        this.isAccepted = true;
    }

    Object.keys(STAGES).concat(["pluck"]).forEach(function (name) {
        Collection.prototype[name] = function () {
            var list = leadingCollection(arguments);
            var stage = stageFrom(name, list);
            return runPipeline([stage], list[0], list[1]);
        };
        Chain.prototype[name] = function () {
            var list = leadingCollection(arguments);
            var stage = stageFrom(name, list);
            if (list.length > 0) {
                throw badRequest(typeof list[0] === "function" ?
                    "When using \"chain\", the callback parameter can only be provided on the \"value\" function." :
                    "When using \"chain\", options can only be provided on the call to the \"value\" function");
            }
            this.stages.push(stage);
            return this;
        };
    });

    Chain.prototype.value = function (options, callback) {
        if (typeof options === "function") {
            callback = options;
            options = undefined;
        }
        return runPipeline(this.stages, options, callback);
    };

    Collection.prototype.chain = function () { return new Chain(); };

    var collection = Object.freeze(new Collection());
    Object.freeze(Collection.prototype);
    Object.freeze(Chain.prototype);

    // `__` is the collection with the current request and response attached.
    K.setCollection(collection, function (execution) {
        var underscore = Object.create(collection);
        underscore.request = execution.request;
        if (execution.response) underscore.response = execution.response;
        return underscore;
    });
})(globalThis);
//# sourceURL=cosmos-runtime-collection.js
"""
