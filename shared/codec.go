package shared

import (
	"encoding/binary"
	"fmt"
	"sync"

	"google.golang.org/grpc/encoding"
	gproto "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"

	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

// codec is the gRPC codec of both ends. It is gRPC's own protobuf codec
// for every message but one: a DoRequestResponse that carries a body chunk,
// which is most of the bytes a plugin ever sends. For that one it writes
// and reads the same wire bytes as the protobuf codec, without two costs
// the generic path has for large messages:
//
//   - Marshal: gRPC's codec takes its buffer from a pool that clears the
//     whole buffer on every Get and whose size tiers jump from 32 KiB to
//     1 MiB, so a 128 KiB chunk cleared 1 MiB. Here the buffer comes from
//     chunkBuffers, sized for a chunk and not cleared (every byte handed to
//     gRPC is written first).
//   - Unmarshal: gRPC's codec copies the received frames into one cleared
//     buffer and protobuf then copies the chunk into a new allocation. Here
//     the chunk is copied once, from the frames, into the chunk slice the
//     message already holds when it has room: streamBody receives every
//     chunk of a stream into one message, so a stream reuses one buffer.
//
// Its name is "proto", so the content type on the wire stays
// application/grpc+proto and either end works with a peer that uses plain
// gRPC. The wire bytes are the protobuf encoding exactly (codec_test.go
// checks both directions against the protobuf library).
type codec struct{}

var protoCodec = encoding.GetCodecV2(gproto.Name)

// chunkField is the field number of DoRequestResponse.chunk.
const chunkField protowire.Number = 2

// maxChunkHeader is the most bytes the tag and length of a chunk take.
const maxChunkHeader = 1 + binary.MaxVarintLen64

func (codec) Name() string { return gproto.Name }

func (codec) Marshal(v any) (mem.BufferSlice, error) {
	m, ok := v.(*pb.DoRequestResponse)
	if !ok || len(m.ProtoReflect().GetUnknown()) > 0 {
		return protoCodec.Marshal(v)
	}
	part, ok := m.Part.(*pb.DoRequestResponse_Chunk)
	if !ok {
		return protoCodec.Marshal(v)
	}
	size := protowire.SizeTag(chunkField) + protowire.SizeBytes(len(part.Chunk))
	buf := chunkBuffers.Get(size)
	b := protowire.AppendTag((*buf)[:0], chunkField, protowire.BytesType)
	b = protowire.AppendBytes(b, part.Chunk)
	if len(b) != size {
		chunkBuffers.Put(buf)
		return nil, fmt.Errorf("encoding a body chunk: %d bytes, expected %d", len(b), size)
	}
	*buf = b
	return mem.BufferSlice{mem.NewBuffer(buf, chunkBuffers)}, nil
}

func (codec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(*pb.DoRequestResponse)
	if !ok {
		return protoCodec.Unmarshal(data, v)
	}
	// A chunk message is exactly: tag of field 2 (bytes), length, bytes.
	// Anything else (a head, unknown fields, a repeated field) takes the
	// protobuf path.
	var head [maxChunkHeader]byte
	h := head[:data.CopyTo(head[:])]
	num, typ, n := protowire.ConsumeTag(h)
	if n < 0 || num != chunkField || typ != protowire.BytesType {
		return protoCodec.Unmarshal(data, v)
	}
	size, k := protowire.ConsumeVarint(h[n:])
	total := data.Len()
	if k < 0 || uint64(total-n-k) != size {
		return protoCodec.Unmarshal(data, v)
	}
	part, _ := m.Part.(*pb.DoRequestResponse_Chunk)
	m.Reset()
	if part == nil {
		part = &pb.DoRequestResponse_Chunk{}
	}
	dst := part.Chunk[:0]
	if cap(dst) < int(size) {
		dst = make([]byte, size)
	}
	dst = dst[:size]
	copyFrom(dst, data, n+k)
	part.Chunk = dst
	m.Part = part
	return nil
}

// copyFrom fills dst from data, starting skip bytes into data.
func copyFrom(dst []byte, data mem.BufferSlice, skip int) {
	for _, b := range data {
		src := b.ReadOnlyData()
		if skip >= len(src) {
			skip -= len(src)
			continue
		}
		dst = dst[copy(dst, src[skip:]):]
		skip = 0
	}
}

// chunkBuffers hands out the buffers codec.Marshal encodes chunks into.
// Buffers of a chunk message's largest size are kept for reuse; any other
// size is allocated and dropped.
var chunkBuffers = &bufferPool{size: chunkSize + maxChunkHeader}

type bufferPool struct {
	size int
	pool sync.Pool
}

var _ mem.BufferPool = (*bufferPool)(nil)

func (p *bufferPool) Get(length int) *[]byte {
	if length > p.size {
		b := make([]byte, length)
		return &b
	}
	if b, ok := p.pool.Get().(*[]byte); ok {
		*b = (*b)[:length]
		return b
	}
	b := make([]byte, length, p.size)
	return &b
}

func (p *bufferPool) Put(b *[]byte) {
	if cap(*b) == p.size {
		p.pool.Put(b)
	}
}
