package crm

import (
	"context"
	"testing"
	"time"
)

// TestTokenRevocation checks how fast a revoked token stops working: at
// once when revoked through the same store, within the trust period when
// revoked by another process (another store on the same file).
func TestTokenRevocation(t *testing.T) {
	ctx := context.Background()
	open := storeOpener(t)
	server, cli := open(), open()
	server.tokens.trust = 100 * time.Millisecond

	_, local, err := server.CreateToken(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.AuthenticateToken(ctx, local); err != nil {
		t.Fatal(err)
	}
	if err := server.RevokeToken(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	if _, err := server.AuthenticateToken(ctx, local); ErrorCode(err) != CodeUnauthorised {
		t.Fatalf("token revoked by the server itself: %v, want refused at once", err)
	}

	_, remote, err := cli.CreateToken(ctx, "remote")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.AuthenticateToken(ctx, remote); err != nil {
		t.Fatal(err)
	}
	if err := cli.RevokeToken(ctx, "remote"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		_, err := server.AuthenticateToken(ctx, remote)
		if ErrorCode(err) == CodeUnauthorised {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("a token revoked by another process still works after 2 s (trust is 100 ms)")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := server.AuthenticateToken(ctx, "cc_"+"not-a-token"); ErrorCode(err) != CodeUnauthorised {
		t.Fatalf("a made-up token: %v", err)
	}
}
