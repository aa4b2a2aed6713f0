package asl

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// parallelState runs its branches concurrently on the same input; its
// result is the array of the branches' outputs.
type parallelState struct {
	branches []*graph
}

// parallelState loads Branches.
func (l *loader) parallelState(o obj) kind {
	p := &parallelState{}
	arr, ok := l.array(o, "Branches")
	if !ok || len(arr) == 0 {
		if !o.has("Branches") || ok {
			l.addf(o.loc, "a Parallel state needs a non-empty Branches array")
		}
		return p
	}
	for i, raw := range arr {
		bo, ok := l.asObj(pointer(o.at("Branches"), i), raw)
		if !ok {
			continue
		}
		bo.allow("a branch", "StartAt", "States", "Comment")
		p.branches = append(p.branches, l.graph(bo))
	}
	return p
}

func (p *parallelState) execute(ctx context.Context, sc *stateCtx, in any) (any, string, error) {
	eff, err := sc.effectiveInput(in)
	if err != nil {
		return nil, "", err
	}
	attempt := func(ctx context.Context) (any, error) {
		sc.fr.record(event{typ: types.HistoryEventTypeParallelStateStarted})
		return runConcurrently(ctx, sc.fr, len(p.branches), len(p.branches), func(ctx context.Context, fr *frame, i int) (any, error) {
			fr.branch = true
			return fr.runGraph(ctx, p.branches[i], eff)
		})
	}
	return sc.runWithRetry(ctx, in, attempt, sc.parallelFailed)
}

// parallelFailed records ParallelStateFailed, unless the branch ended on a
// Task state recorded as aborted: AWS recorded a Parallel state whose
// branch ended on a failed Task (TaskStateAborted) without it, and one
// whose branch ended on a Fail state with it.
func (sc *stateCtx) parallelFailed(err error) {
	var e *Error
	if errors.As(err, &e) && e.aborted {
		e.aborted = false
		return
	}
	sc.fr.record(event{typ: types.HistoryEventTypeParallelStateFailed})
}

// runConcurrently runs n jobs, at most limit at a time, each on a frame
// of its own (with its own variable scope), and returns their results in
// order. The first error cancels the jobs still running and is returned.
func runConcurrently(ctx context.Context, parent *frame, n, limit int, job func(context.Context, *frame, int) (any, error)) (any, error) {
	results := make([]any, n)
	if limit <= 1 || n <= 1 {
		for i := 0; i < n; i++ {
			fr := parent.child()
			v, err := job(ctx, fr, i)
			parent.prev = fr.prev
			if err != nil {
				return nil, err
			}
			results[i] = v
		}
		return results, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, limit)
		frames   = make([]*frame, n)
	)
	for i := 0; i < n; i++ {
		frames[i] = parent.child()
	}
	for i := 0; i < n; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			v, err := job(ctx, frames[i], i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
				cancel()
			}
			results[i] = v
		}(i)
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	parent.prev = parent.run.hist.len()
	if firstErr != nil {
		return nil, firstErr
	}
	return results, nil
}
