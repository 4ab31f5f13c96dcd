package api

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/callcard/callcard/crm"
)

// Metrics are the server's Prometheus series, on a registry of its own so
// that two servers in one process (tests) never share counters.
type Metrics struct {
	Registry        *prometheus.Registry
	Webhooks        *prometheus.CounterVec   // by source and outcome
	Recognitions    *prometheus.CounterVec   // by match
	LookupSeconds   prometheus.Histogram     // look-up latency
	WebhookSeconds  *prometheus.HistogramVec // webhook handling latency by source
	LiveSubscribers prometheus.Gauge
	// CallEventSeconds is how long a stored call event spent in each stage
	// (crm.CallEventTimes): recognising its numbers, waiting for the single
	// writer, in its group's commit, and in its group's flush to disk.
	CallEventSeconds *prometheus.HistogramVec
	// CallEventGroup is how many events shared each event's commit.
	CallEventGroup prometheus.Histogram
	// LiveDeliverySeconds is from an event's publication to its being
	// flushed to a screen's stream, once per screen.
	LiveDeliverySeconds prometheus.Histogram
}

// stageBuckets resolve the stages of a webhook, tens of microseconds to
// tenths of a second, to within a factor of about 1.5.
var stageBuckets = prometheus.ExponentialBucketsRange(0.00005, 0.5, 24)

// NewMetrics registers every series.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callcard_webhooks_total",
			Help: "Webhooks received, by source and outcome (stored, duplicate, rejected, unauthorised, error).",
		}, []string{"source", "outcome"}),
		Recognitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "callcard_recognitions_total",
			Help: "Callers recognised, by outcome (contact, organisation, employee, number_range, ambiguous, unknown, withheld).",
		}, []string{"match"}),
		LookupSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "callcard_lookup_duration_seconds",
			Help:    "Time to answer a number look-up.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .1},
		}),
		WebhookSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "callcard_webhook_duration_seconds",
			Help:    "Time from a webhook's arrival to its commit and publication.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .1, .5},
		}, []string{"source"}),
		LiveSubscribers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "callcard_live_subscribers",
			Help: "Screens listening for live call events.",
		}),
		CallEventSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "callcard_call_event_stage_seconds",
			Help: "Time a stored call event spent in each stage: recognise (its numbers), wait (for the single writer), " +
				"commit (its group's transaction), flush (its group's flush to disk).",
			Buckets: stageBuckets,
		}, []string{"stage"}),
		CallEventGroup: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "callcard_call_event_group_size",
			Help:    "Call events committed together, seen from each event.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64},
		}),
		LiveDeliverySeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "callcard_live_event_delivery_seconds",
			Help:    "Time from a live event's publication, right after its commit, to its being flushed to a screen's stream; once per screen.",
			Buckets: stageBuckets,
		}),
	}
	m.Registry.MustRegister(m.Webhooks, m.Recognitions, m.LookupSeconds, m.WebhookSeconds, m.LiveSubscribers,
		m.CallEventSeconds, m.CallEventGroup, m.LiveDeliverySeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveCallEvent records how a stored call event went through the
// writer; give it to crm.Config.ObserveCallEvent.
func (m *Metrics) ObserveCallEvent(t crm.CallEventTimes) {
	m.CallEventSeconds.WithLabelValues("recognise").Observe(t.Recognised.Seconds())
	m.CallEventSeconds.WithLabelValues("wait").Observe(t.Waited.Seconds())
	m.CallEventSeconds.WithLabelValues("commit").Observe(t.Committed.Seconds())
	m.CallEventSeconds.WithLabelValues("flush").Observe(t.Flushed.Seconds())
	m.CallEventGroup.Observe(float64(t.Group))
}

// watchFlushes exposes the register's flushes to disk as
// callcard_disk_flushes_total. Each covers every commit written before it
// began, so webhooks over flushes says how well flushes are shared. A
// second server on the same Metrics leaves the first one's series.
func (m *Metrics) watchFlushes(count func() uint64) {
	flushes := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "callcard_disk_flushes_total",
		Help: "Flushes of the register's write-ahead log to disk; each covers every commit written before it began.",
	}, func() float64 { return float64(count()) })
	_ = m.Registry.Register(flushes) // only fails as already registered
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
