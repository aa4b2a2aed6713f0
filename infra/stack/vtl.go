package stack

import (
	"fmt"
	"strings"
)

// WriteRoute is one command route of the API: POST /accounts (open) or
// POST /accounts/{id}/<Path>.
type WriteRoute struct {
	// Path is the resource under /accounts/{id}; "" is POST /accounts.
	Path string
	// Command is the command type the route starts.
	Command string
	// Status is the HTTP status of a succeeded execution.
	Status int
	// EmptyBody lets the request have no body at all, so no body model is
	// attached to the method; the command's fields then come from the
	// path and headers alone.
	EmptyBody bool
}

// WriteRoutes are the command routes, in the order the API declares them.
var WriteRoutes = []WriteRoute{
	{Path: "", Command: "OpenAccount", Status: 201},
	{Path: "deposits", Command: "Deposit", Status: 200},
	{Path: "withdrawals", Command: "Withdraw", Status: 200},
	{Path: "reversals", Command: "ReverseTransaction", Status: 200},
	{Path: "close", Command: "CloseAccount", Status: 200, EmptyBody: true},
}

// bodyFields are copied from the request body into the command as the JSON
// values they are. The domain rejects a field a command does not take, so
// every route copies all of them rather than silently dropping one.
var bodyFields = []string{"amount", "currency", "occurredAt", "reference", "eventId"}

// errorStatuses maps error codes (the Step Functions error names) to HTTP
// statuses, as docs/architecture.md tabulates them. Any other error,
// including States.*, is a 500.
var errorStatuses = []struct {
	Status int
	Codes  []string
}{
	{400, []string{"InvalidCommand"}},
	{404, []string{"AccountNotFound", "TransactionNotFound"}},
	{409, []string{"AccountAlreadyExists", "AccountClosed", "BalanceNotZero", "TransactionAlreadyReversed", "VersionConflict"}},
	{422, []string{"InsufficientFunds", "CurrencyMismatch", "AmountOverflow", "OccurredBeforeOpening", "IdempotencyKeyReused"}},
	{503, []string{"Throttled"}},
}

// IdempotencyHeader is the request header whose value becomes the commandId.
const IdempotencyHeader = "Idempotency-Key"

// jsonEscape is the VTL expression that escapes a string for the inside of
// a JSON string: escapeJavaScript, minus its \' which JSON does not allow.
func jsonEscape(ref string) string {
	return fmt.Sprintf(`$util.escapeJavaScript(%s).replaceAll("\\'","'")`, ref)
}

// requestTemplate is the VTL that turns a request into the body of a
// StartSyncExecution call. It assembles the command JSON in $cmd, escaping
// each string it takes from the request, then escapes $cmd as a whole into
// the "input" string. Body fields enter as $input.json, which is always one
// complete JSON value, so a body cannot add or override command fields.
func requestTemplate(r WriteRoute, stateMachineArn string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(`#set($q = '"')`)
	line(`#set($key = "$!input.params().header.get('%s')")`, IdempotencyHeader)
	line(`#if($key == "")#set($key = "$!input.params().header.get('%s')")#end`, strings.ToLower(IdempotencyHeader))
	line(`#if($key == "")#set($key = $context.requestId)#end`)
	line(`#set($key = %s)`, jsonEscape("$key"))
	line(`#set($cmd = "{${q}type${q}:${q}%s${q},${q}commandId${q}:${q}$key${q},${q}correlationId${q}:${q}$context.requestId${q}")`, r.Command)
	if r.Path == "" {
		copyBodyField(line, "accountId")
	} else {
		line(`#set($id = %s)`, jsonEscape("$input.params().path.get('id')"))
		line(`#set($cmd = "$cmd,${q}accountId${q}:${q}$id${q}")`)
	}
	for _, f := range bodyFields {
		copyBodyField(line, f)
	}
	line(`#set($cmd = "$cmd}")`)
	line(`{"stateMachineArn": "%s", "input": "%s"}`, stateMachineArn, jsonEscape("$cmd"))
	return b.String()
}

// copyBodyField appends the body field f to $cmd if the body has it.
func copyBodyField(line func(string, ...any), f string) {
	line(`#set($has_%s = "$!input.path('$.%s')")`, f, f)
	line(`#if($has_%s != "")#set($cmd = "$cmd,${q}%s${q}:$input.json('$.%s')")#end`, f, f, f)
}

// responseTemplate is the VTL for a StartSyncExecution answer (HTTP 200
// whatever the outcome). SUCCEEDED returns the execution output with the
// route's status; anything else returns {"error", "message"} with the
// status of the error code, the message taken from the Lambda error's
// errorMessage when the cause is one.
func responseTemplate(r WriteRoute) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line(`#set($r = $input.path('$'))`)
	line(`#if($r.status == "SUCCEEDED")`)
	line(`#set($context.responseOverride.status = %d)`, r.Status)
	line(`$r.output`)
	line(`#else`)
	line(`#set($error = "$!r.error")`)
	line(`#if($error == "")#set($error = "States.Timeout")#end`)
	line(`#set($message = "$!r.cause")`)
	line(`#if($message.startsWith("{"))#set($parsed = $util.parseJson($message))#if("$!parsed.errorMessage" != "")#set($message = "$parsed.errorMessage")#end#end`)
	line(`#set($status = 500)`)
	for _, s := range errorStatuses {
		conds := make([]string, len(s.Codes))
		for i, c := range s.Codes {
			conds[i] = fmt.Sprintf(`$error == "%s"`, c)
		}
		line(`#if(%s)#set($status = %d)#end`, strings.Join(conds, " || "), s.Status)
	}
	line(`#set($context.responseOverride.status = $status)`)
	line(`{"error": "%s", "message": "%s"}`, jsonEscape("$error"), jsonEscape("$message"))
	line(`#end`)
	return b.String()
}

// clientErrorTemplate answers a 4xx from StartSyncExecution itself: a
// throttled call is a 503 Throttled, anything else a 500 Internal.
const clientErrorTemplate = `#set($type = "$!input.path('$.__type')")
#if($type.contains("Throttling"))
#set($context.responseOverride.status = 503)
{"error": "Throttled", "message": "Step Functions throttled the request; retry with the same Idempotency-Key."}
#else
{"error": "Internal", "message": "Step Functions rejected the request: $util.escapeJavaScript($type).replaceAll("\\'","'")"}
#end
`

// serverErrorTemplate answers a 5xx from StartSyncExecution itself.
const serverErrorTemplate = `{"error": "Internal", "message": "Step Functions failed to run the command; retry with the same Idempotency-Key."}
`
