package threadlink_test

import (
	"errors"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/callcard/callcard/crm/internal/threadlink"
)

// thread plays the C thread with blocking reads and writes on its ends:
// it answers each request byte with the byte plus one, and stops at end
// of file, closing both its ends.
func thread(l *threadlink.Link) {
	defer syscall.Close(l.ThreadIn)
	defer syscall.Close(l.ThreadOut)
	var b [1]byte
	for {
		n, err := syscall.Read(l.ThreadIn, b[:])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if n <= 0 {
			return
		}
		b[0]++
		if _, err := syscall.Write(l.ThreadOut, b[:]); err != nil {
			return
		}
	}
}

func TestRequestsAnswersAndStop(t *testing.T) {
	l, err := threadlink.New("test")
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan struct{})
	go func() { thread(l); close(stopped) }()
	for i := range byte(3) {
		if _, err := l.ToThread.Write([]byte{i}); err != nil {
			t.Fatal(err)
		}
		var got [1]byte
		if _, err := io.ReadFull(l.FromThread, got[:]); err != nil {
			t.Fatal(err)
		}
		if got[0] != i+1 {
			t.Fatalf("answer %d to %d", got[0], i)
		}
	}
	if l.Stopped() {
		t.Fatal("Stopped before Stop")
	}
	if err := l.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := l.Stop(); err != nil || !l.Stopped() {
		t.Fatalf("second Stop: %v, Stopped %v", err, l.Stopped())
	}
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop returned, the thread still runs")
	}
}

func TestAbandonClosesEveryEnd(t *testing.T) {
	l, err := threadlink.New("test")
	if err != nil {
		t.Fatal(err)
	}
	l.Abandon()
	for _, fd := range []int{l.ThreadIn, l.ThreadOut} {
		if _, err := syscall.Write(fd, []byte{0}); !errors.Is(err, syscall.EBADF) {
			t.Errorf("the thread's end %d after Abandon: %v, want EBADF", fd, err)
		}
	}
	if _, err := l.ToThread.Write([]byte{0}); err == nil {
		t.Error("Go's end to the thread still open after Abandon")
	}
}
