package boltstore

import "time"

// pacer drives a background writer: it sleeps until work arrives, waits up
// to every for more (less once poked as full), and runs the work; then it
// sleeps again. The write-behind of Put and the log's checkpoints use it.
type pacer struct {
	every time.Duration
	wake  chan struct{} // work arrived
	full  chan struct{} // enough work arrived to run at once
	stop  chan struct{} // closed by shut
	done  chan struct{} // closed when run returns
}

func newPacer(every time.Duration) pacer {
	return pacer{
		every: every,
		wake:  make(chan struct{}, 1), full: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// signal wakes the receiver of c without blocking; a wake-up already
// waiting is enough.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// poke tells the writer that work arrived, and whether it is enough to run
// at once.
func (p *pacer) poke(full bool) {
	signal(p.wake)
	if full {
		signal(p.full)
	}
}

// run is the writer goroutine. It returns when shut stops it, leaving the
// last run of work to the caller of shut.
func (p *pacer) run(work func()) {
	defer close(p.done)
	t := time.NewTimer(p.every)
	t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-p.wake:
		}
		t.Reset(p.every)
		select {
		case <-p.stop:
			t.Stop()
			return
		case <-t.C:
		case <-p.full:
			t.Stop()
		}
		work()
	}
}

// shut stops the writer and waits for it. Only one caller may shut a
// pacer, once.
func (p *pacer) shut() {
	close(p.stop)
	<-p.done
}
