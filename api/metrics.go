package api

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
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
}

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
	}
	m.Registry.MustRegister(m.Webhooks, m.Recognitions, m.LookupSeconds, m.WebhookSeconds, m.LiveSubscribers,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
