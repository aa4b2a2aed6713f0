package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// record writes testdata/account.json from a running stepfold serve: it
// opens an account, deposits into it, and reads the deposit's execution
// history back through the Step Functions API, keeping the input, the
// Payload each task returned and the output.
//
//	peers record -addr 127.0.0.1:8080 [-out testdata/account.json]
func record(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address of a running stepfold serve")
	out := fs.String("out", "testdata/account.json", "file to write")
	if fs.Parse(args) != nil {
		return 2
	}
	if err := recordAccount("http://"+*addr, *out); err != nil {
		fmt.Fprintln(stderr, "peers record:", err)
		return 1
	}
	return 0
}

const machineARN = "arn:aws:states:us-east-1:000000000000:stateMachine:stepfold-account"

func recordAccount(base, out string) error {
	acc := fmt.Sprintf("peer-fixture-%d", time.Now().UnixNano())
	if err := post(base+"/accounts", "application/json", "", map[string]any{"accountId": acc, "currency": "EUR"}, nil); err != nil {
		return err
	}
	if err := post(base+"/accounts/"+acc+"/deposits", "application/json", "", map[string]any{"amount": 500, "reference": "bench"}, nil); err != nil {
		return err
	}
	var list struct {
		Executions []struct{ ExecutionArn string } `json:"executions"`
	}
	if err := sfn(base, "ListExecutions", map[string]any{"stateMachineArn": machineARN, "maxResults": 1}, &list); err != nil {
		return err
	}
	if len(list.Executions) == 0 {
		return errors.New("the server lists no execution")
	}
	var hist historyEvents
	if err := sfn(base, "GetExecutionHistory", map[string]any{"executionArn": list.Executions[0].ExecutionArn, "includeExecutionData": true}, &hist); err != nil {
		return err
	}
	fx, err := hist.fixture()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(fx, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// historyEvents is what record reads of GetExecutionHistory.
type historyEvents struct {
	Events []struct {
		Type    string `json:"type"`
		Started *struct {
			Input string `json:"input"`
		} `json:"executionStartedEventDetails"`
		Entered *struct {
			Name string `json:"name"`
		} `json:"stateEnteredEventDetails"`
		TaskSucceeded *struct {
			Output string `json:"output"`
		} `json:"taskSucceededEventDetails"`
		Succeeded *struct {
			Output string `json:"output"`
		} `json:"executionSucceededEventDetails"`
	} `json:"events"`
}

// fixture pairs each TaskSucceeded with the task state entered before it.
func (h historyEvents) fixture() (map[string]any, error) {
	fx := map[string]any{"comment": "One Deposit through the account pipeline of a real stepfold serve (written by peers record): the execution's input, the Payload each task returned, from GetExecutionHistory, and the execution's output. The no-op tasks of the peer comparison return these payloads."}
	tasks := map[string]json.RawMessage{}
	state := ""
	for _, e := range h.Events {
		switch {
		case e.Started != nil:
			fx["input"] = json.RawMessage(e.Started.Input)
		case e.Entered != nil:
			state = e.Entered.Name
		case e.TaskSucceeded != nil:
			var env struct{ Payload json.RawMessage }
			if err := json.Unmarshal([]byte(e.TaskSucceeded.Output), &env); err != nil {
				return nil, fmt.Errorf("%s output: %w", state, err)
			}
			tasks[state] = env.Payload
		case e.Succeeded != nil:
			fx["output"] = json.RawMessage(e.Succeeded.Output)
		}
	}
	for _, t := range taskNames {
		if tasks[t] == nil {
			return nil, fmt.Errorf("the execution has no result of %s (did it succeed?)", t)
		}
	}
	if fx["output"] == nil {
		return nil, errors.New("the execution did not succeed")
	}
	fx["tasks"] = tasks
	return fx, nil
}

func sfn(base, op string, in, out any) error {
	return post(base+"/", "application/x-amz-json-1.0", "AWSStepFunctions."+op, in, out)
}

// post sends in as JSON and decodes a 2xx answer into out, if not nil.
func post(url, contentType, target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s: %s", url, resp.Status, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}
