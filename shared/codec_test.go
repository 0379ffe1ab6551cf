package shared

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"

	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

func chunkMsg(b []byte) *pb.DoRequestResponse {
	return &pb.DoRequestResponse{Part: &pb.DoRequestResponse_Chunk{Chunk: b}}
}

// The chunk sizes around every varint length boundary up to the limit.
var chunkSizes = []int{0, 1, 127, 128, 16383, 16384, firstChunk, chunkSize - 1, chunkSize, chunkSize + 1, 2097151, 2097152}

func TestCodecMarshalIsTheProtobufEncoding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	msgs := []*pb.DoRequestResponse{
		{Part: &pb.DoRequestResponse_Head{Head: &pb.ResponseHead{Status: 200, Attempts: 2}}},
		{},
	}
	for _, n := range chunkSizes {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		msgs = append(msgs, chunkMsg(b))
	}
	for _, m := range msgs {
		want, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := codec{}.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Materialize(), want) {
			t.Errorf("message of %d bytes: the codec's encoding differs from protobuf's", len(want))
		}
		got.Free()
	}
}

// split cuts b into a BufferSlice at the given points, the way gRPC hands
// over a message that arrived in several frames.
func split(b []byte, cuts ...int) mem.BufferSlice {
	var s mem.BufferSlice
	prev := 0
	for _, c := range cuts {
		if c > prev && c < len(b) {
			s = append(s, mem.SliceBuffer(b[prev:c]))
			prev = c
		}
	}
	return append(s, mem.SliceBuffer(b[prev:]))
}

func TestCodecUnmarshalReadsWhatProtobufWrote(t *testing.T) {
	for _, n := range chunkSizes {
		want := make([]byte, n)
		for i := range want {
			want[i] = byte(i * 7)
		}
		wire, err := proto.Marshal(chunkMsg(want))
		if err != nil {
			t.Fatal(err)
		}
		for _, cuts := range [][]int{nil, {1}, {2}, {3, 5}, {16384, 32768}} {
			var got pb.DoRequestResponse
			if err := (codec{}).Unmarshal(split(wire, cuts...), &got); err != nil {
				t.Fatalf("%d bytes cut at %v: %v", n, cuts, err)
			}
			if !bytes.Equal(got.GetChunk(), want) {
				t.Fatalf("%d bytes cut at %v: the chunk read back differs", n, cuts)
			}
		}
	}
}

func TestCodecReusesTheChunkBufferOfTheMessage(t *testing.T) {
	var m pb.DoRequestResponse
	first, _ := proto.Marshal(chunkMsg(bytes.Repeat([]byte("a"), 1000)))
	if err := (codec{}).Unmarshal(split(first), &m); err != nil {
		t.Fatal(err)
	}
	held := m.GetChunk()
	second, _ := proto.Marshal(chunkMsg([]byte("bcd")))
	if err := (codec{}).Unmarshal(split(second), &m); err != nil {
		t.Fatal(err)
	}
	if string(m.GetChunk()) != "bcd" {
		t.Fatalf("second chunk = %q", m.GetChunk())
	}
	if &held[0] != &m.GetChunk()[0] {
		t.Error("the second chunk was not received into the first one's buffer")
	}
	// A head after chunks replaces the part, as protobuf would.
	head, _ := proto.Marshal(&pb.DoRequestResponse{Part: &pb.DoRequestResponse_Head{Head: &pb.ResponseHead{Status: 429}}})
	if err := (codec{}).Unmarshal(split(head), &m); err != nil {
		t.Fatal(err)
	}
	if m.GetHead().GetStatus() != 429 || m.GetChunk() != nil {
		t.Errorf("after a head: %v", &m)
	}
}

func TestCodecBuffersGoBackToThePool(t *testing.T) {
	data, err := codec{}.Marshal(chunkMsg(make([]byte, chunkSize)))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 1 || cap(data[0].ReadOnlyData()) != chunkBuffers.size {
		t.Fatalf("a full chunk was not encoded into one pooled buffer: %d buffers", len(data))
	}
	data.Free() // what gRPC does once the bytes are written
	// A chunk larger than the pool's size still encodes (a plugin built with
	// another chunk size), into a buffer of its own.
	big, err := codec{}.Marshal(chunkMsg(make([]byte, 2*chunkSize)))
	if err != nil {
		t.Fatal(err)
	}
	if big.Len() != 2*chunkSize+1+3 {
		t.Errorf("a %d-byte chunk encoded to %d bytes", 2*chunkSize, big.Len())
	}
	big.Free()
}

// FuzzCodecUnmarshal feeds any bytes, cut anywhere, to the codec and to
// protobuf: both must refuse, or both must give the same message, also when
// the message already held a chunk.
func FuzzCodecUnmarshal(f *testing.F) {
	for _, n := range []int{0, 1, 200} {
		b, _ := proto.Marshal(chunkMsg(bytes.Repeat([]byte{0xab}, n)))
		f.Add(b, uint16(1), false)
	}
	h, _ := proto.Marshal(&pb.DoRequestResponse{Part: &pb.DoRequestResponse_Head{Head: &pb.ResponseHead{Status: 200}}})
	f.Add(h, uint16(0), true)
	f.Add([]byte{0x12, 0x80, 0x00}, uint16(2), false)                // a length in a longer varint than needed
	f.Add([]byte{0x12, 0x01, 'a', 0x12, 0x01, 'b'}, uint16(3), true) // the field twice: the last one wins
	f.Add([]byte{0x12, 0x05, 'a'}, uint16(0), false)                 // shorter than its length
	f.Fuzz(func(t *testing.T, wire []byte, cut uint16, prior bool) {
		var want pb.DoRequestResponse
		wantErr := proto.Unmarshal(wire, &want)
		var got pb.DoRequestResponse
		if prior {
			got.Part = &pb.DoRequestResponse_Chunk{Chunk: make([]byte, 64)}
		}
		gotErr := codec{}.Unmarshal(split(wire, int(cut)), &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("protobuf error %v, codec error %v", wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		if diff := cmp.Diff(&want, &got, protocmp.Transform()); diff != "" {
			t.Fatalf("the codec read another message (-protobuf +codec):\n%s", diff)
		}
	})
}
