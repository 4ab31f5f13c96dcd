package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestSoak runs a short soak: no errors, every subscriber gets every event,
// and goroutines come back to where they started.
func TestSoak(t *testing.T) {
	env := Env{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
	res, err := runSoak(context.Background(), env, soakConfig{Rate: 100, Duration: 2 * time.Second, Subscribers: 5})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	printSoak(&table, res)
	t.Log("\n" + table.String())
	if res.Errors != 0 {
		t.Errorf("%d errors; first: %s", res.Errors, res.FirstError)
	}
	if res.Stored < 150 {
		t.Errorf("only %d of %d webhooks stored", res.Stored, res.Sent)
	}
	if !res.AllDelivered() {
		t.Errorf("not every subscriber got every event: %d lost, fewest %d of %d", res.Lost, res.MinDelivered, res.Expected)
	}
	if !res.GoroutinesBack() {
		t.Errorf("goroutines: %d before, %d after", res.Before.Goroutines, res.After.Goroutines)
	}
	if !res.HeapBack() {
		t.Errorf("heap: %d before, %d after", res.Before.HeapBytes, res.After.HeapBytes)
	}
}
