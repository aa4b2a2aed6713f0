// Package taskstest holds what other packages' tests share to drive the
// tasks without a state machine.
package taskstest

import (
	"context"

	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/tasks"
)

// Run takes c through Validate, Persist, Publish and Fold in order, as the
// state machine does without its retries and conflict loop, and returns
// Fold's result. It stops at the first error and returns it.
func Run(ctx context.Context, svc *tasks.Service, c events.Command) (tasks.Result, error) {
	d, err := svc.Validate(ctx, tasks.ValidateInput{Command: c})
	if err != nil {
		return tasks.Result{}, err
	}
	p, err := svc.Persist(ctx, tasks.PersistInput{Command: c, ExpectedVersion: d.ExpectedVersion, Events: d.Events})
	if err != nil {
		return tasks.Result{}, err
	}
	if _, err := svc.Publish(ctx, tasks.EventsInput{Events: p.Events}); err != nil {
		return tasks.Result{}, err
	}
	return svc.Fold(ctx, tasks.EventsInput{Events: p.Events})
}
