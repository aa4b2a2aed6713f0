package taskstest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stepfold/stepfold/events"
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
	svc, err := tasks.New(st, st, &eventstest.Recorder{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, c := range []events.Command{
		{Type: events.OpenAccount, AccountID: "acc-1", CommandID: "c-1", Currency: "EUR"},
		{Type: events.Deposit, AccountID: "acc-1", CommandID: "c-2", Amount: 1500},
	} {
		r, err := taskstest.Run(ctx, svc, c)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.Version, r.Balance, r.Status)
	}
	// Output:
	// 1 0 open
	// 2 1500 open
}
