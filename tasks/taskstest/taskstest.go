// Package taskstest holds what other packages' tests share to drive the
// tasks without a state machine.
package taskstest

import (
	"context"
	"encoding/json"

	"github.com/stepfold/stepfold/tasks"
)

// Run takes a command, as its JSON, through Validate, Persist, Publish and
// Fold in order, as the state machine does without its retries and
// conflict loop, and returns Fold's reply. It stops at the first error and
// returns it.
func Run(ctx context.Context, p tasks.Pipeline, command []byte) (json.RawMessage, error) {
	d, err := p.Validate(ctx, tasks.ValidateInput{Command: command})
	if err != nil {
		return nil, err
	}
	in := tasks.PersistInput{ExpectedVersion: d.ExpectedVersion, Events: d.Events, Snapshots: d.Snapshots, Fingerprint: d.Fingerprint}
	done, err := p.Persist(ctx, in)
	if err != nil {
		return nil, err
	}
	if _, err := p.Publish(ctx, tasks.EventsInput{Events: done.Events}); err != nil {
		return nil, err
	}
	return p.Fold(ctx, tasks.EventsInput{Events: done.Events})
}
