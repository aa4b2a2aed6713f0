package lambdafn

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	apigw "github.com/aws/aws-lambda-go/events"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/httpstatus"
)

// Read returns the API Gateway proxy handler of the read API:
//
//	GET /accounts/{id}                     the current state
//	GET /accounts/{id}?asOf=<version|time> the state at a version or RFC 3339 business time
//	GET /accounts/{id}/events?from=&limit= a page of the audit log
//
// Failures become the status of httpstatus.Status and an httpstatus.Body;
// the handler itself never fails.
func Read(svc *tasks.Service) func(context.Context, apigw.APIGatewayProxyRequest) (apigw.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, req apigw.APIGatewayProxyRequest) (apigw.APIGatewayProxyResponse, error) {
		account, listing, ok := route(req)
		switch {
		case !ok:
			return respond(http.StatusNotFound, httpstatus.Body{Error: "RouteNotFound", Message: "no route for " + req.Path}), nil
		case req.HTTPMethod != http.MethodGet:
			return respond(http.StatusMethodNotAllowed, httpstatus.Body{Error: "MethodNotAllowed", Message: req.HTTPMethod + " is not allowed; use GET"}), nil
		}
		var body any
		var err error
		if listing {
			body, err = listEvents(ctx, svc, account, req.QueryStringParameters)
		} else {
			body, err = getAccount(ctx, svc, account, req.QueryStringParameters)
		}
		if err != nil {
			return respond(httpstatus.FromError(err)), nil
		}
		return respond(http.StatusOK, body), nil
	}
}

// route finds the account id and whether the request lists its events, from
// a path ending in /accounts/{id} or /accounts/{id}/events.
func route(req apigw.APIGatewayProxyRequest) (account string, listing bool, ok bool) {
	segs := strings.Split(strings.Trim(req.Path, "/"), "/")
	n := len(segs)
	switch {
	case n >= 3 && segs[n-3] == "accounts" && segs[n-1] == "events":
		account, listing, ok = segs[n-2], true, true
	case n >= 2 && segs[n-2] == "accounts":
		account, ok = segs[n-1], true
	}
	if id := req.PathParameters["id"]; ok && id != "" {
		account = id
	}
	return account, listing, ok
}

func getAccount(ctx context.Context, svc *tasks.Service, account string, query map[string]string) (any, error) {
	raw, ok := query["asOf"]
	if !ok {
		return svc.GetAccount(ctx, account)
	}
	at, err := tasks.ParseAsOf(raw)
	if err != nil {
		return nil, err
	}
	return svc.GetAccountAt(ctx, account, at)
}

func listEvents(ctx context.Context, svc *tasks.Service, account string, query map[string]string) (any, error) {
	from, err := intParam(query, "from", 1)
	if err != nil {
		return nil, err
	}
	limit, err := intParam(query, "limit", tasks.DefaultPageLimit)
	if err != nil {
		return nil, err
	}
	return svc.ListEvents(ctx, account, from, int(limit))
}

func intParam(query map[string]string, name string, def int64) (int64, error) {
	raw, ok := query[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, events.Errorf(events.CodeInvalidCommand, "%s must be a whole number, got %q", name, raw)
	}
	return n, nil
}

func respond(status int, body any) apigw.APIGatewayProxyResponse {
	b, err := json.Marshal(body)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"Internal","message":"the response could not be encoded"}`)
	}
	return apigw.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(b),
	}
}
