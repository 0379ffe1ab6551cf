package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func main() {
	var err error
	if len(os.Args) == 5 && os.Args[1] == "serve" {
		err = serve(os.Args[2], os.Args[3], os.Args[4])
	} else {
		err = run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "grpcfloor:", err)
		os.Exit(1)
	}
}

// The kinds of call measured.
const (
	kindEcho    = "Unix socket, 32-byte echo"
	kindGRPC    = "gRPC unary health check, plaintext"
	kindGRPCTLS = "gRPC unary health check, mutual TLS"
)

var kinds = []string{kindEcho, kindGRPC, kindGRPCTLS}

// procs is how many processors each side runs with; 0 is Go's default.
type procs struct {
	name          string
	parent, child int
}

var procSettings = []procs{{"both default", 0, 0}, {"plugin side 1", 0, 1}, {"both 1", 1, 1}}

func run() error {
	calls := flag.Int("calls", 2000, "calls per configuration and round")
	rounds := flag.Int("rounds", 3, "rounds; the configurations take turns in each")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "grpcfloor-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	certFile := filepath.Join(tmp, "cert.pem")
	if err := writeCert(certFile); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	defaultProcs := runtime.GOMAXPROCS(0)
	got := map[string][]time.Duration{}
	for r := 0; r < *rounds; r++ {
		for _, k := range kinds {
			for _, p := range procSettings {
				runtime.GOMAXPROCS(defaultProcs)
				if p.parent > 0 {
					runtime.GOMAXPROCS(p.parent)
				}
				ds, err := measure(self, tmp, certFile, k, p, *calls)
				if err != nil {
					return fmt.Errorf("%s, %s: %w", k, p.name, err)
				}
				got[k+p.name] = append(got[k+p.name], ds...)
			}
		}
	}
	fmt.Printf("GOOS/GOARCH %s/%s, %d CPUs, %s; %d calls x %d rounds per cell\n\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), *calls, *rounds)
	fmt.Print("| one call between two processes, p50 / p90 |")
	for _, p := range procSettings {
		fmt.Printf(" GOMAXPROCS %s |", p.name)
	}
	fmt.Print("\n|---|")
	for range procSettings {
		fmt.Print("---|")
	}
	fmt.Println()
	for _, k := range kinds {
		fmt.Printf("| %s |", k)
		for _, p := range procSettings {
			ds := got[k+p.name]
			slices.Sort(ds)
			fmt.Printf(" %s / %s |", ds[len(ds)/2].Round(time.Microsecond), ds[len(ds)*9/10].Round(time.Microsecond))
		}
		fmt.Println()
	}
	return nil
}

// measure starts a child serving kind and times calls to it.
func measure(self, dir, certFile, kind string, p procs, calls int) ([]time.Duration, error) {
	sock := filepath.Join(dir, "s.sock")
	os.Remove(sock)
	cmd := exec.Command(self, "serve", kind, sock, certFile)
	cmd.Env = os.Environ()
	if p.child > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("GOMAXPROCS=%d", p.child))
	}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		stdin.Close() // the child exits when its stdin closes
		cmd.Wait()
	}()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		return nil, fmt.Errorf("the child did not start: %q %v", line, err)
	}
	call, closeFn, err := client(kind, sock, certFile)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	for i := 0; i < 200; i++ { // warm up
		if err := call(); err != nil {
			return nil, err
		}
	}
	ds := make([]time.Duration, 0, calls)
	for i := 0; i < calls; i++ {
		start := time.Now()
		if err := call(); err != nil {
			return nil, err
		}
		ds = append(ds, time.Since(start))
	}
	return ds, nil
}

// client connects to the child and returns one call.
func client(kind, sock, certFile string) (func() error, func(), error) {
	if kind == kindEcho {
		c, err := net.Dial("unix", sock)
		if err != nil {
			return nil, nil, err
		}
		msg, buf := make([]byte, 32), make([]byte, 32)
		return func() error {
			if _, err := c.Write(msg); err != nil {
				return err
			}
			_, err := io.ReadFull(c, buf)
			return err
		}, func() { c.Close() }, nil
	}
	creds := insecure.NewCredentials()
	if kind == kindGRPCTLS {
		_, cfg, err := tlsConfigs(certFile)
		if err != nil {
			return nil, nil, err
		}
		creds = credentials.NewTLS(cfg)
	}
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(creds))
	if err != nil {
		return nil, nil, err
	}
	hc := healthpb.NewHealthClient(conn)
	ctx := context.Background()
	return func() error {
		_, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		return err
	}, func() { conn.Close() }, nil
}

// serve is the child: it serves kind on sock until its stdin closes.
func serve(kind, sock, certFile string) error {
	lis, err := net.Listen("unix", sock)
	if err != nil {
		return err
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	if kind == kindEcho {
		fmt.Println("ready")
		c, err := lis.Accept()
		if err != nil {
			return err
		}
		_, err = io.Copy(c, c)
		return err
	}
	var opts []grpc.ServerOption
	if kind == kindGRPCTLS {
		cfg, _, err := tlsConfigs(certFile)
		if err != nil {
			return err
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg)))
	}
	s := grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(s, health.NewServer())
	fmt.Println("ready")
	if err := s.Serve(lis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}
