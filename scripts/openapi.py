#!/usr/bin/env python3
"""Writes server/src/main/resources/openapi/openapi.yml: the RealWorld 2.0.0 document
(../shared/realworld/latest/openapi.yml, MIT) as the base, with Hotpath's additions: the server
URL, what every operation may also answer (304 for GETs, 413, 429, 500, 503 in the error shape),
`?html=true` and `bodyHtml`, and the endpoints RealWorld does not have (version, notifications,
webhooks, exports, dashboard, admin, health, metrics). Run it again when either side changes;
OpenApiValidationTest fails when the server and the document disagree."""
import copy, sys, yaml
from pathlib import Path

root = Path(__file__).resolve().parent.parent
base_file = root.parent / "shared" / "realworld" / "latest" / "openapi.yml"
doc = yaml.safe_load(base_file.read_text())

doc["info"]["title"] = "Hotpath API"
doc["info"]["description"] = ("The RealWorld (Conduit) API 2.0.0 as Hotpath serves it, with Hotpath's own "
                              "endpoints. Errors always have the shape {\"errors\": {\"<field>\": [\"message\"]}}.")
doc["info"]["version"] = "2.0.0-hotpath"
doc["servers"] = [{"url": "/api", "description": "this server"}]
doc["tags"] += [{"name": n} for n in ("Notifications", "Webhooks", "Exports", "Dashboard", "Admin", "Operations")]

C = doc["components"]
err = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/GenericErrorModel"}}}}
C["responses"]["TooLarge"] = {**err, "description": "Body larger than BODY_LIMIT_BYTES"}
C["responses"]["TooManyRequests"] = {**err, "description": "Rate limited (Retry-After says when to try again)"}
C["responses"]["ServerError"] = {**err, "description": "Unexpected error, with the request id (also in X-Request-Id)"}
C["responses"]["Unavailable"] = {**err, "description": "Overloaded, timed out or the database is unreachable (Retry-After)"}
C["responses"]["NotModified"] = {"description": "The ETag sent in If-None-Match still matches: no body"}
C["responses"]["Accepted"] = {"description": "Accepted", "content": {"application/json": {"schema": {"type": "object"}}}}
C["schemas"]["Article"]["properties"]["bodyHtml"] = {"type": "string", "description": "with ?html=true: the body rendered from Markdown and sanitised"}
C["securitySchemes"]["AdminToken"] = {"type": "apiKey", "in": "header", "name": "X-Admin-Token"}

def ref(name):
    return {"$ref": "#/components/responses/" + name}

def body(schema, desc="OK", ctype="application/json"):
    return {"description": desc, "content": {ctype: {"schema": schema}}}

obj = lambda props, req=None: {"type": "object", "properties": props, **({"required": req} if req else {})}
nstr = {"type": ["string", "null"]}
profile_ref = {"$ref": "#/components/schemas/Profile"}

notification = obj({"id": {"type": "integer"}, "type": {"type": "string", "enum": ["follow", "favorite", "comment"]},
                    "read": {"type": "boolean"}, "createdAt": {"type": "string", "format": "date-time"},
                    "actor": obj({"username": {"type": "string"}, "bio": nstr, "image": nstr}),
                    "article": obj({"slug": {"type": "string"}, "title": {"type": "string"}}),
                    "commentId": {"type": "integer"}}, ["id", "type", "read", "createdAt"])
webhook = obj({"id": {"type": "integer"}, "url": {"type": "string"}, "events": {"type": "array", "items": {"type": "string"}},
               "secret": {"type": "string"}, "lastStatus": {"type": ["integer", "null"]}, "lastError": nstr}, ["id", "url", "events"])
token = [{"Token": []}]
admin = [{"AdminToken": []}]
paging = [{"$ref": "#/components/parameters/limitParam"}, {"$ref": "#/components/parameters/offsetParam"}]
pid = lambda n: {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}

extra = {
    "/version": {"get": {"tags": ["Operations"], "summary": "This build", "operationId": "Version",
        "responses": {"200": body(obj({"name": {"type": "string"}, "version": {"type": "string"}, "commit": {"type": "string"},
                                       "buildTime": {"type": "string"}, "java": {"type": "string"}},
                                      ["name", "version", "commit", "buildTime", "java"]))}}},
    "/notifications": {"get": {"tags": ["Notifications"], "summary": "The caller's notifications, newest event first",
        "operationId": "Notifications", "parameters": paging, "security": token,
        "responses": {"200": body(obj({"notifications": {"type": "array", "items": notification}, "unreadCount": {"type": "integer"}},
                                      ["notifications", "unreadCount"])), "401": ref("Unauthorized")}}},
    "/notifications/read": {"post": {"tags": ["Notifications"], "summary": "Mark all (or the ids sent) as read",
        "operationId": "ReadNotifications", "security": token,
        "requestBody": {"required": False, "content": {"application/json": {"schema": obj({"ids": {"type": "array", "items": {"type": "integer"}}})}}},
        "responses": {"200": body(obj({"unreadCount": {"type": "integer"}}, ["unreadCount"])), "401": ref("Unauthorized"), "422": ref("GenericError")}}},
    "/webhooks": {
        "get": {"tags": ["Webhooks"], "summary": "The caller's webhooks", "operationId": "Webhooks", "security": token,
                "responses": {"200": body(obj({"webhooks": {"type": "array", "items": webhook}}, ["webhooks"])), "401": ref("Unauthorized")}},
        "post": {"tags": ["Webhooks"], "summary": "Subscribe a URL to follow, favorite and comment events (signed, retried)",
                 "operationId": "CreateWebhook", "security": token,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": obj({"webhook": obj(
                     {"url": {"type": "string"}, "events": {"type": "array", "items": {"type": "string"}}}, ["url"])}, ["webhook"])}}},
                 "responses": {"201": body(obj({"webhook": webhook}, ["webhook"]), "Created"), "401": ref("Unauthorized"),
                               "422": ref("GenericError")}}},
    "/webhooks/{id}": {"delete": {"tags": ["Webhooks"], "summary": "Unsubscribe", "operationId": "DeleteWebhook", "security": token,
        "parameters": [pid("id")], "responses": {"204": {"description": "Deleted"}, "401": ref("Unauthorized"), "404": ref("NotFound"), "422": ref("GenericError")}}},
    "/articles/export": {
        "get": {"tags": ["Exports"], "summary": "Stream every article (ndjson or csv) from a cursor", "operationId": "ExportArticles",
                "security": token,
                "parameters": [{"name": "format", "in": "query", "schema": {"type": "string", "enum": ["ndjson", "csv"]}},
                               {"name": "author", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The articles, one per line", "content": {
                    "application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
                    "401": ref("Unauthorized"), "422": ref("GenericError")}},
        "post": {"tags": ["Exports"], "summary": "Queue the same export as a job", "operationId": "QueueExport", "security": token,
                 "responses": {"202": body(obj({"export": obj({"id": {"type": "integer"}, "status": {"type": "string"},
                                                                     "download": {"type": "string", "description": "where to fetch it"}},
                                                                    ["id", "status", "download"])}, ["export"]), "Queued"),
                               "401": ref("Unauthorized"), "422": ref("GenericError")}}},
    "/exports/{id}": {"get": {"tags": ["Exports"], "summary": "The queued export's file when ready, else its status",
        "operationId": "GetExport", "security": token, "parameters": [pid("id")],
        "responses": {"200": {"description": "The file", "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
                      "202": body(obj({"export": obj({"id": {"type": "integer"}, "status": {"type": "string", "enum": ["queued", "running", "dead"]},
                                                      "attempts": {"type": "integer"}}, ["id", "status", "attempts"])}, ["export"]), "Not ready"),
                      "401": ref("Unauthorized"), "404": ref("NotFound"), "422": ref("GenericError")}}},
    "/dashboard": {"get": {"tags": ["Dashboard"], "summary": "Profile, latest articles, feed, notifications and counts at once (late parts degrade)",
        "operationId": "Dashboard", "security": token,
        "responses": {"200": body(obj({"dashboard": obj({
            "profile": obj({"username": {"type": "string"}, "email": {"type": "string"}, "bio": nstr, "image": nstr}),
            "latestArticles": {"type": "array", "items": obj({"slug": {"type": "string"}, "title": {"type": "string"},
                                                              "createdAt": {"type": "string"}, "favoritesCount": {"type": "integer"}})},
            "feed": {"type": "array", "items": obj({"slug": {"type": "string"}, "title": {"type": "string"}, "author": {"type": "string"},
                                                    "createdAt": {"type": "string"}})},
            "notifications": obj({"unreadCount": {"type": "integer"}, "latestTypes": {"type": "array", "items": {"type": "string"}}}),
            "counts": obj({"followers": {"type": "integer"}, "following": {"type": "integer"}}),
            "degraded": {"type": "array", "items": {"type": "string"}}},
            ["profile", "latestArticles", "feed", "notifications", "counts", "degraded"])}, ["dashboard"])),
                      "401": ref("Unauthorized")}}},
    "/admin/jobs": {"get": {"tags": ["Admin"], "summary": "Dead jobs and queue statistics", "operationId": "DeadJobs", "security": admin,
        "parameters": paging, "responses": {"200": body(obj({"stats": {"type": "object"}, "dead": {"type": "array", "items": {"type": "object"}}}, ["stats", "dead"])),
                                            "401": ref("Unauthorized"), "404": ref("NotFound")}}},
    "/admin/jobs/{id}": {"delete": {"tags": ["Admin"], "summary": "Discard a dead job", "operationId": "DiscardJob", "security": admin,
        "parameters": [pid("id")], "responses": {"204": {"description": "Discarded"}, "401": ref("Unauthorized"), "404": ref("NotFound"), "422": ref("GenericError")}}},
    "/admin/jobs/{id}/retry": {"post": {"tags": ["Admin"], "summary": "Queue a dead job again", "operationId": "RetryJob", "security": admin,
        "parameters": [pid("id")], "responses": {"204": {"description": "Queued again"}, "401": ref("Unauthorized"), "404": ref("NotFound"), "422": ref("GenericError")}}},
    "/admin/profile": {"get": {"tags": ["Admin"], "summary": "Profile the running server (flame graph or JFR)", "operationId": "Profile",
        "security": admin,
        "parameters": [{"name": "event", "in": "query", "schema": {"type": "string", "enum": ["cpu", "alloc", "wall"]}},
                       {"name": "seconds", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 120}},
                       {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["html", "jfr"]}}],
        "responses": {"200": {"description": "The profile", "content": {"text/html": {"schema": {"type": "string"}},
                                                                      "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                      "401": ref("Unauthorized"), "404": ref("NotFound"), "422": ref("GenericError"), "429": ref("TooManyRequests")}}},
}
health = obj({"status": {"type": "string", "enum": ["pass", "warn", "fail"]}, "checks": {"type": "array", "items": {"type": "object"}}}, ["status"])
root_server = [{"url": "/", "description": "outside /api"}]
extra["/health/live"] = {"servers": root_server, "get": {"tags": ["Operations"], "summary": "The process answers", "operationId": "Live",
    "responses": {"200": body(health, "Live", "application/health+json")}}}
extra["/health/ready"] = {"servers": root_server, "get": {"tags": ["Operations"], "summary": "Ready for traffic (database, migrations, not shutting down; Redis reported)",
    "operationId": "Ready", "responses": {"200": body(health, "Ready", "application/health+json"), "503": body(health, "Not ready", "application/health+json")}}}
extra["/metrics"] = {"servers": root_server, "get": {"tags": ["Operations"], "summary": "Prometheus metrics", "operationId": "Metrics",
    "responses": {"200": body({"type": "string"}, "Prometheus text", "text/plain")}}}

doc["paths"].update(extra)
doc["paths"]["/articles/{slug}"]["get"]["parameters"].append(
    {"name": "html", "in": "query", "description": "true: add bodyHtml", "schema": {"type": "boolean"}})
for path, item in doc["paths"].items():
    for method, op in item.items():
        if method not in ("get", "post", "put", "delete"):
            continue
        r = op["responses"]
        if method == "get" and path not in ("/admin/profile", "/metrics", "/health/live", "/health/ready"):
            r.setdefault("304", ref("NotModified"))
        if method in ("post", "put"):
            r.setdefault("413", ref("TooLarge"))
        r.setdefault("429", ref("TooManyRequests"))
        r.setdefault("500", ref("ServerError"))
        r.setdefault("503", ref("Unavailable"))

out = root / "server" / "src" / "main" / "resources" / "openapi" / "openapi.yml"
header = ("# Generated by scripts/openapi.py from the RealWorld API 2.0.0 document (MIT License,\n"
          "# https://github.com/realworld-apps/realworld) and Hotpath's additions. Edit the script, not this file.\n")
out.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
print(out)
