// Package httpguard decides which requests and connections the local
// server lets in. The server is a developer tool on a machine that also
// runs a browser, so a page from any website can send it requests, and a
// name the page controls can be made to resolve to 127.0.0.1 (DNS
// rebinding). A [Guard] in front of every route refuses:
//
//   - any request whose Host is not one of the server's own names: the
//     bound address, localhost, 127.0.0.1 or [::1] with the bound port,
//     or a configured name (403 HostNotAllowed);
//   - a state-changing request (any method but GET, HEAD and OPTIONS)
//     from a browser origin other than the server's own or a configured
//     one, as net/http's CrossOriginProtection judges it from
//     Sec-Fetch-Site and Origin; "Origin: null" is foreign (403
//     OriginNotAllowed);
//   - a state-changing request whose Content-Type is not the JSON media
//     type of its route, so that a browser must ask first with a CORS
//     preflight, which is answered only for configured origins (415
//     UnsupportedMediaType).
//
// Clients that are not browsers (curl, the AWS CLI and SDKs) send no
// Origin and pass the Origin check. Refusals are JSON bodies
// {"error": name, "message": text} ({"__type": name, ...} in the AWS JSON
// protocol) and are logged at warn with the reason.
//
// [Limit] wraps the listener and caps the connections the server holds.
package httpguard
