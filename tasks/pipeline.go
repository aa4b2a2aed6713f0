package tasks

import (
	"context"
	"encoding/json"
)

// Pipeline is the four steps of a domain's command pipeline, whatever the
// domain: *Service is one. The Lambda boundary (tasks/lambdafn) and the
// local registration of the tasks serve it by step name (Steps).
type Pipeline interface {
	Validate(ctx context.Context, in ValidateInput) (Decision, error)
	Persist(ctx context.Context, in PersistInput) (Persisted, error)
	Publish(ctx context.Context, in EventsInput) (Published, error)
	Fold(ctx context.Context, in EventsInput) (json.RawMessage, error)
}
