package ui

import (
	"math"
	"strconv"
)

// Server-side charts. Each is a pure function from figures to geometry; the
// templates draw the SVG elements from it, so every label passes through
// html/template's escaping and no markup is built here. Coordinates are in
// SVG user units of the chart's viewBox, rounded to two decimals.

// barDatum is one bar of a bar chart: its value, the full label a tooltip
// and the data table show, and a short tick under the axis ("" for none).
type barDatum struct {
	Value int
	Label string
	Tick  string
}

// barChart is a vertical bar chart.
type barChart struct {
	Width, Height    float64 // the viewBox
	Left, Top        float64 // where the plot area starts
	Right, Bottom    float64 // where it ends
	Bars             []chartBar
	Grid             []chartGrid // horizontal lines with their values
	Ticks            []chartTick // labels under the axis
	Max              int         // the value at the top of the plot
	Total, Peak, Len int
}

type chartBar struct {
	X, Y, W, H float64
	Value      int
	Label      string
}

type chartGrid struct {
	Y     float64
	Value int
}

type chartTick struct {
	X    float64
	Text string
}

const (
	barWidth  = 720.0
	barHeight = 220.0
	barLeft   = 40.0 // room for the axis values
	barTop    = 10.0
	barBottom = 190.0 // the baseline; tick labels go under it
	barRight  = 710.0
)

// barChartOf lays out one bar per datum across a fixed width, scaled so
// the highest bar reaches a round maximum. A bar of zero has no height but
// is still there, so the chart has exactly one bar per datum.
func barChartOf(data []barDatum) barChart {
	ch := barChart{Width: barWidth, Height: barHeight, Left: barLeft, Top: barTop, Right: barRight, Bottom: barBottom,
		Len: len(data)}
	for _, d := range data {
		ch.Total += d.Value
		ch.Peak = max(ch.Peak, d.Value)
	}
	top, step := niceScale(ch.Peak)
	ch.Max = top
	plotH := barBottom - barTop
	for v := 0; v <= ch.Max; v += step {
		ch.Grid = append(ch.Grid, chartGrid{Y: round2(barBottom - plotH*float64(v)/float64(ch.Max)), Value: v})
	}
	if len(data) == 0 {
		return ch
	}
	slot := (barRight - barLeft) / float64(len(data))
	gap := math.Min(slot*0.2, 4)
	for i, d := range data {
		h := plotH * float64(max(d.Value, 0)) / float64(ch.Max)
		x := barLeft + slot*float64(i)
		ch.Bars = append(ch.Bars, chartBar{X: round2(x + gap/2), Y: round2(barBottom - h), W: round2(slot - gap),
			H: round2(h), Value: d.Value, Label: d.Label})
		if d.Tick != "" {
			ch.Ticks = append(ch.Ticks, chartTick{X: round2(x + slot/2), Text: d.Tick})
		}
	}
	return ch
}

// niceScale rounds peak up to 1, 2 or 5 times a power of ten (at least 1)
// and picks a grid step that gives two to five lines.
func niceScale(peak int) (top, step int) {
	if peak <= 0 {
		return 1, 1
	}
	for pow := 1; ; pow *= 10 {
		for _, m := range []int{1, 2, 5} {
			if top := m * pow; top >= peak {
				switch {
				case top <= 4:
					return top, 1
				case m == 2:
					return top, top / 4
				default:
					return top, top / 5
				}
			}
		}
	}
}

// gauge is a half-circle meter for a percentage.
type gauge struct {
	Width, Height float64
	Track, Fill   string // SVG path data; built from numbers only
	Percent       float64
}

const (
	gaugeR  = 80.0
	gaugeCX = 100.0
	gaugeCY = 95.0
	gaugeW  = 200.0
	gaugeH  = 105.0
)

// gaugeOf draws percent (clamped to 0-100) as an arc from the left end of a
// half circle clockwise over the top.
func gaugeOf(percent float64) gauge {
	p := math.Max(0, math.Min(100, percent))
	if math.IsNaN(percent) {
		p = 0
	}
	g := gauge{Width: gaugeW, Height: gaugeH, Percent: p,
		Track: arcPath(gaugeCX-gaugeR, gaugeCY, gaugeCX+gaugeR, gaugeCY)}
	if p > 0 {
		a := math.Pi * (1 - p/100) // 180° at 0 %, 0° at 100 %
		g.Fill = arcPath(gaugeCX-gaugeR, gaugeCY, gaugeCX+gaugeR*math.Cos(a), gaugeCY-gaugeR*math.Sin(a))
	}
	return g
}

// arcPath is a clockwise arc of radius gaugeR of at most half a circle.
func arcPath(x1, y1, x2, y2 float64) string {
	r := num(gaugeR)
	return "M " + num(x1) + " " + num(y1) + " A " + r + " " + r + " 0 0 1 " + num(x2) + " " + num(y2)
}

// funnelStage is one stage of a funnel: how many got this far, and the
// share of the stage before that did.
type funnelStage struct {
	Key        string // names the stage in the message catalogue
	Count      int
	X, Y, W, H float64
	TextY      float64
	Step       float64 // Count as a percentage of the stage before
	HasStep    bool    // false for the first stage, or when the stage before is 0
	OfFirst    float64 // Count as a percentage of the first stage
	HasOfFirst bool
}

// funnelChart is a funnel as horizontal bars centred on one axis, widest
// first.
type funnelChart struct {
	Width, Height      float64
	LabelX, CountX     float64
	Stages             []funnelStage
	BarLeft, BarRight  float64
	BarCentre, BarSpan float64
}

const (
	funnelW      = 640.0
	funnelRow    = 44.0
	funnelBarH   = 32.0
	funnelLeft   = 170.0
	funnelRight  = 470.0
	funnelLabelX = 160.0
	funnelCountX = 480.0
	funnelMinW   = 2.0 // a stage with any count stays visible
)

// funnelOf lays out stages (key, count) in order. Widths are relative to
// the largest count, so a later stage larger than an earlier one (a lead
// won this month from interest last month) still fits.
func funnelOf(keys []string, counts []int) funnelChart {
	ch := funnelChart{Width: funnelW, Height: funnelRow * float64(len(keys)), LabelX: funnelLabelX, CountX: funnelCountX,
		BarLeft: funnelLeft, BarRight: funnelRight, BarCentre: (funnelLeft + funnelRight) / 2, BarSpan: funnelRight - funnelLeft}
	peak := 0
	for _, n := range counts {
		peak = max(peak, n)
	}
	for i, k := range keys {
		n := counts[i]
		w := 0.0
		if peak > 0 && n > 0 {
			w = math.Max(funnelMinW, ch.BarSpan*float64(n)/float64(peak))
		}
		y := funnelRow*float64(i) + (funnelRow-funnelBarH)/2
		st := funnelStage{Key: k, Count: n, X: round2(ch.BarCentre - w/2), Y: round2(y), W: round2(w), H: funnelBarH,
			TextY: round2(y + funnelBarH/2 + 5)}
		if i > 0 && counts[i-1] > 0 {
			st.Step, st.HasStep = pct(n, counts[i-1]), true
		}
		if i > 0 && counts[0] > 0 {
			st.OfFirst, st.HasOfFirst = pct(n, counts[0]), true
		}
		ch.Stages = append(ch.Stages, st)
	}
	return ch
}

// pct is n of of in percent, to one decimal.
func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(1000*float64(n)/float64(of)) / 10
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func num(f float64) string { return strconv.FormatFloat(round2(f), 'f', -1, 64) }
