package taskstest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/events/eventstest"
	"github.com/stepfold/stepfold/local/boltstore"
	"github.com/stepfold/stepfold/tasks"
	"github.com/stepfold/stepfold/tasks/taskstest"
)

func ExampleRun() {
	dir, _ := os.MkdirTemp("", "taskstest")
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(filepath.Join(dir, "example.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	svc, err := tasks.New(account.Domain{}, st, st, &eventstest.Recorder{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, c := range []string{
		`{"type":"OpenAccount","accountId":"acc-1","commandId":"c-1","currency":"EUR"}`,
		`{"type":"Deposit","accountId":"acc-1","commandId":"c-2","amount":1500}`,
	} {
		reply, err := taskstest.Run(ctx, svc, []byte(c))
		if err != nil {
			fmt.Println(err)
			return
		}
		var r account.Result
		if err := json.Unmarshal(reply, &r); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.Version, r.Balance, r.Status)
	}
	// Output:
	// 1 0 open
	// 2 1500 open
}
