package asl

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestWorkersRunEveryJobAndExitOnQuit(t *testing.T) {
	before := runtime.NumGoroutine()
	quit := make(chan struct{})
	w := newWorkers(quit)
	var mu sync.Mutex
	ran := 0
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		w.do(func() {
			defer wg.Done()
			mu.Lock()
			ran++
			mu.Unlock()
		})
	}
	wg.Wait()
	if ran != 100 {
		t.Fatalf("ran %d jobs, want 100", ran)
	}
	if runtime.NumGoroutine() <= before {
		t.Fatalf("no idle worker is waiting for the next job")
	}
	close(quit)
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left after quit, want %d", runtime.NumGoroutine(), before)
		}
		time.Sleep(time.Millisecond)
	}
}
