;; JSON string escaping of UTF-8 bytes, 16 bytes at a time (the module inside json-escape-module.ts;
;; rebuild it with `npm run build:wasm` after a change here, and the spec checks the two agree).
;;
;; escape(in, len, out) writes the JSON string body of the `len` bytes at `in` to `out` and returns the
;; end of what it wrote: `"`, `\` and the bytes below 0x20 are escaped exactly as JSON.stringify does
;; (\b \t \n \f \r, else \u00xx with lowercase hex); every other byte is copied, so valid UTF-8 stays
;; the same text. The caller leaves 6 * len + 16 bytes at `out`: a block is stored before it is known
;; to need no escape.
(module
  (memory (export "memory") 1)
  ;; 0..95: the character after the backslash for a byte JSON escapes, 0 for one it keeps.
  (data (i32.const 0)
    "uuuuuuuubtnufruuuuuuuuuuuuuuuuuu"
    "\00\00\22\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\5c\00\00\00")
  (data (i32.const 256) "0123456789abcdef")

  ;; One byte at `in`, copied or escaped to `out`; returns the new end of the output.
  (func $one (param $in i32) (param $out i32) (result i32)
    (local $b i32) (local $e i32)
    (local.set $b (i32.load8_u (local.get $in)))
    (local.set $e (if (result i32) (i32.lt_u (local.get $b) (i32.const 96))
      (then (i32.load8_u (local.get $b)))
      (else (i32.const 0))))
    (if (i32.eqz (local.get $e))
      (then
        (i32.store8 (local.get $out) (local.get $b))
        (return (i32.add (local.get $out) (i32.const 1)))))
    (i32.store8 (local.get $out) (i32.const 0x5c))
    (i32.store8 offset=1 (local.get $out) (local.get $e))
    (if (i32.ne (local.get $e) (i32.const 0x75))
      (then (return (i32.add (local.get $out) (i32.const 2)))))
    (i32.store16 offset=2 (local.get $out) (i32.const 0x3030))
    (i32.store8 offset=4 (local.get $out) (i32.load8_u offset=256 (i32.shr_u (local.get $b) (i32.const 4))))
    (i32.store8 offset=5 (local.get $out) (i32.load8_u offset=256 (i32.and (local.get $b) (i32.const 15))))
    (i32.add (local.get $out) (i32.const 6)))

  (func (export "escape") (param $in i32) (param $len i32) (param $out i32) (result i32)
    (local $end i32) (local $v v128) (local $mask i32) (local $skip i32)
    (local.set $end (i32.add (local.get $in) (local.get $len)))
    (block $tail
      (loop $blocks
        (br_if $tail (i32.lt_u (i32.sub (local.get $end) (local.get $in)) (i32.const 16)))
        (local.set $v (v128.load (local.get $in)))
        (v128.store (local.get $out) (local.get $v))
        (local.set $mask (i8x16.bitmask (v128.or
          (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20)))
          (v128.or
            (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
            (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c)))))))
        (if (i32.eqz (local.get $mask))
          (then
            (local.set $in (i32.add (local.get $in) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (br $blocks)))
        ;; The bytes before the first one to escape are already stored; escape it and go on after it.
        (local.set $skip (i32.ctz (local.get $mask)))
        (local.set $out
          (call $one (i32.add (local.get $in) (local.get $skip)) (i32.add (local.get $out) (local.get $skip))))
        (local.set $in (i32.add (local.get $in) (i32.add (local.get $skip) (i32.const 1))))
        (br $blocks)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $out (call $one (local.get $in) (local.get $out)))
        (local.set $in (i32.add (local.get $in) (i32.const 1)))
        (br $bytes)))
    (local.get $out)))
