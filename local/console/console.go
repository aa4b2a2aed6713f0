// Package console serves the local Step Functions console: a web page that
// lists the recent executions and shows one as its state graph, each state
// coloured by how it ended, with its input, output, duration, retries and
// error, all read from the recorded history.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary, with no
// build step and nothing fetched from elsewhere. It reads everything through
// the Step Functions API on the same origin (ListStateMachines,
// ListExecutions, DescribeExecution, DescribeStateMachine and
// GetExecutionHistory, see local/sfnapi), as the AWS console does.
package console

import (
	"embed"
	"io/fs"
	"net/http"
)

// Prefix is where the console is served.
const Prefix = "/console/"

//go:embed static
var files embed.FS

// Handler serves the console under Prefix and redirects "/" to it.
func Handler() http.Handler {
	static, _ := fs.Sub(files, "static") // the directory is embedded, so this cannot fail
	fileServer := http.StripPrefix(Prefix, http.FileServerFS(static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" || r.URL.Path == "/console" {
			http.Redirect(w, r, Prefix, http.StatusFound)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'")
		fileServer.ServeHTTP(w, r)
	})
}
