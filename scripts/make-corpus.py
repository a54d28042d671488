#!/usr/bin/env python3
"""Builds the word-level corpus of examples/word-language-model.ts from Debian's `dict-devil`
package: "The Devil's Dictionary" by Ambrose Bierce (1911), a public-domain text.

    apt-get install dict-devil && python3 scripts/make-corpus.py

Reads /usr/share/dictd/devil.dict.dz (gzip), drops the dictd database header entries, lowercases,
splits punctuation into tokens (as the Penn Treebank corpus of PyTorch's example is), keeps words
seen at least 3 times in the training part and writes `<unk>` for the others, then writes
examples/data/devils-dictionary/{train,valid,test}.txt: every 10th line to valid, the next to test,
the rest to train. Blank lines are dropped; every line ends a sentence (`<eos>` is added by the
example's reader).
"""
import collections
import gzip
import os
import re

SRC = '/usr/share/dictd/devil.dict.dz'
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'examples', 'data', 'devils-dictionary')

with gzip.open(SRC, 'rt', encoding='latin-1') as fh:
    lines = fh.read().splitlines()
start = next(i for i, l in enumerate(lines) if l.strip() == 'PREFACE')
lines = lines[start:]


def tokens(line):
    line = line.lower().replace('_', ' ')
    line = re.sub(r"([.,;:!?()\"\[\]]|--)", r' \1 ', line)
    line = re.sub(r"[^a-z0-9'.,;:!?()\"\[\]\- ]", ' ', line)
    return line.split()


text = [tokens(l) for l in lines]
text = [t for t in text if t]
parts = {'train': [], 'valid': [], 'test': []}
for i, t in enumerate(text):
    parts['valid' if i % 10 == 8 else 'test' if i % 10 == 9 else 'train'].append(t)
counts = collections.Counter(w for t in parts['train'] for w in t)
keep = {w for w, c in counts.items() if c >= 3}
os.makedirs(OUT, exist_ok=True)
for name, part in parts.items():
    with open(os.path.join(OUT, f'{name}.txt'), 'w') as fh:
        for t in part:
            fh.write(' '.join(w if w in keep else '<unk>' for w in t) + '\n')
print({k: sum(len(t) for t in v) for k, v in parts.items()}, 'vocabulary', len(keep) + 1)
