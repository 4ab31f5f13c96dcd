package main

import (
	"math"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

func ptr[T any](v T) *T { return &v }

func TestBucketQuantile(t *testing.T) {
	// 100 samples: 10 at or under 1 ms, 80 more by 2 ms, 10 more by 4 ms.
	h := &dto.Histogram{SampleCount: ptr[uint64](100), Bucket: []*dto.Bucket{
		{UpperBound: ptr(0.001), CumulativeCount: ptr[uint64](10)},
		{UpperBound: ptr(0.002), CumulativeCount: ptr[uint64](90)},
		{UpperBound: ptr(0.004), CumulativeCount: ptr[uint64](100)},
		{UpperBound: ptr(math.Inf(1)), CumulativeCount: ptr[uint64](100)},
	}}
	for _, c := range []struct{ q, want float64 }{
		{0.05, 0.0005}, // halfway through the first bucket, from 0
		{0.50, 0.0015}, // 40 of the 80 in (1, 2] ms
		{0.99, 0.0038}, // 9 of the 10 in (2, 4] ms
		{1.00, 0.004},
	} {
		if got := bucketQuantile(h, c.q); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("q%.2f = %g, want %g", c.q, got, c.want)
		}
	}
	if got := bucketQuantile(&dto.Histogram{}, 0.99); got != 0 {
		t.Errorf("empty histogram: %g", got)
	}
}
