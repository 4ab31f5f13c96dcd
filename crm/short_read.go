package crm

import "context"

// shortRead is ctx for a read of a few index look-ups, such as a
// recognition or a caller card: its values stay, its cancellation goes.
//
// For a context that can be cancelled, database/sql starts a goroutine
// per query to watch it. Starting one wakes an idle thread, and on the
// 2-vCPU VM callcard is measured on that costs more than the query: a card
// took 212 µs under a request's context against 154–171 µs without
// (BenchmarkCard, docs/performance.md "A goroutine per query"), and its
// p99 in `callcard bench` moved with it. A read this short is over before
// a cancellation could stop it, so nothing is lost by not watching.
//
// A context that cannot be cancelled is returned as it is: a short read
// inside another (a card's recognition) does not wrap it again.
func shortRead(ctx context.Context) context.Context {
	if ctx.Done() == nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}
