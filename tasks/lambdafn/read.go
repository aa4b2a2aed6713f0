package lambdafn

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	apigw "github.com/aws/aws-lambda-go/events"
)

// HTTP returns the API Gateway proxy handler that serves h, so that the
// read Lambda behind API Gateway runs the same http.Handler (httpapi) as
// the local server. The request's path is its resource template with the
// path parameters filled in, which holds no stage or base path; a request
// without a resource (a test event) uses its path as it is.
//
// The handler itself never fails: h's answer, whatever its status, is the
// response.
func HTTP(h http.Handler) func(context.Context, apigw.APIGatewayProxyRequest) (apigw.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, req apigw.APIGatewayProxyRequest) (apigw.APIGatewayProxyResponse, error) {
		r, err := request(ctx, req)
		if err != nil {
			return apigw.APIGatewayProxyResponse{StatusCode: http.StatusBadRequest,
				Headers: map[string]string{"Content-Type": "application/json"},
				Body:    `{"error":"InvalidCommand","message":"the request body is not valid base64"}`}, nil
		}
		var w recorder
		h.ServeHTTP(&w, r)
		return w.response(), nil
	}
}

// request turns a proxy event into the http.Request it stands for.
func request(ctx context.Context, req apigw.APIGatewayProxyRequest) (*http.Request, error) {
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return nil, err
		}
	}
	u := url.URL{Path: path(req), RawQuery: query(req).Encode()}
	r, err := http.NewRequestWithContext(ctx, req.HTTPMethod, u.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range req.MultiValueHeaders {
		r.Header[http.CanonicalHeaderKey(k)] = vs
	}
	for k, v := range req.Headers {
		if r.Header.Get(k) == "" {
			r.Header.Set(k, v)
		}
	}
	return r, nil
}

// path is the request's resource with its parameters, or its path.
func path(req apigw.APIGatewayProxyRequest) string {
	if req.Resource == "" {
		return req.Path
	}
	p := req.Resource
	for k, v := range req.PathParameters {
		p = strings.ReplaceAll(p, "{"+k+"}", url.PathEscape(v))
	}
	return p
}

func query(req apigw.APIGatewayProxyRequest) url.Values {
	q := url.Values{}
	for k, vs := range req.MultiValueQueryStringParameters {
		q[k] = vs
	}
	for k, v := range req.QueryStringParameters {
		if _, ok := q[k]; !ok {
			q.Set(k, v)
		}
	}
	return q
}

// recorder is the http.ResponseWriter that collects h's answer.
type recorder struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header {
	if w.header == nil {
		w.header = http.Header{}
	}
	return w.header
}

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

func (w *recorder) response() apigw.APIGatewayProxyResponse {
	headers := make(map[string]string, len(w.header))
	for k, vs := range w.header {
		headers[k] = strings.Join(vs, ",")
	}
	return apigw.APIGatewayProxyResponse{
		StatusCode:        max(w.status, http.StatusOK),
		Headers:           headers,
		MultiValueHeaders: w.header,
		Body:              w.body.String(),
	}
}
