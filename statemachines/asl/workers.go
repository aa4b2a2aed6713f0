package asl

// workers runs task handlers on goroutines that are kept between calls. A
// handler that works through JSON grows its goroutine's stack to tens of
// kilobytes; a fresh goroutine for every call pays for that growth, stack
// copy by stack copy, every time.
type workers struct {
	jobs chan func()
	quit <-chan struct{}
}

// newWorkers returns a pool whose idle goroutines exit once quit is closed.
func newWorkers(quit <-chan struct{}) *workers {
	return &workers{jobs: make(chan func()), quit: quit}
}

// do runs job on an idle worker, or on a new one when all are busy.
func (w *workers) do(job func()) {
	select {
	case w.jobs <- job:
	default:
		go w.serve(job)
	}
}

// serve runs job, then waits for the next one until the pool quits.
func (w *workers) serve(job func()) {
	for {
		job()
		select {
		case job = <-w.jobs:
		case <-w.quit:
			return
		}
	}
}
