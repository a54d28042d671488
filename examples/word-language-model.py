"""PyTorch twin of examples/word-language-model.ts: PyTorch's word-level language model example
(Embedding -> LSTM -> Linear, truncated BPTT, gradient clipping 0.25, SGD with the learning rate
divided by 4 whenever the validation loss stops improving) on The Devil's Dictionary corpus.

    /usr/bin/python3 examples/word-language-model.py --epochs 1 --dropout 0 --max-batches 10

prints what `npx tsx examples/word-language-model.ts` prints with the same arguments (timings aside).
"""
import argparse
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--data', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'devils-dictionary'))
p.add_argument('--emsize', type=int, default=200)
p.add_argument('--nhid', type=int, default=200)
p.add_argument('--nlayers', type=int, default=2)
p.add_argument('--lr', type=float, default=20)
p.add_argument('--clip', type=float, default=0.25)
p.add_argument('--epochs', type=int, default=6)
p.add_argument('--batch-size', type=int, default=20)
p.add_argument('--bptt', type=int, default=35)
p.add_argument('--dropout', type=float, default=0.2)
p.add_argument('--tied', action='store_true')
p.add_argument('--seed', type=int, default=1111)
p.add_argument('--log-interval', type=int, default=20)
p.add_argument('--max-batches', type=int, default=0, help='stop each epoch after this many batches (0: all)')
args = p.parse_args()
torch.manual_seed(args.seed)


class Corpus:
    def __init__(self, path):
        self.word2idx, self.idx2word = {}, []
        self.train, self.valid, self.test = (self.tokenize(os.path.join(path, f)) for f in ('train.txt', 'valid.txt', 'test.txt'))

    def tokenize(self, path):
        ids = []
        with open(path, encoding='utf8') as fh:
            for line in fh:
                for w in line.split() + ['<eos>']:
                    if w not in self.word2idx:
                        self.word2idx[w] = len(self.idx2word)
                        self.idx2word.append(w)
                    ids.append(self.word2idx[w])
        return torch.tensor(ids, dtype=torch.int64)


corpus = Corpus(args.data)


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    return data.narrow(0, 0, nbatch * bsz).view(bsz, -1).t().contiguous()


eval_batch_size = 10
train_data = batchify(corpus.train, args.batch_size)
val_data = batchify(corpus.valid, eval_batch_size)
test_data = batchify(corpus.test, eval_batch_size)


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout, tie_weights):
        super().__init__()
        self.ntoken, self.nhid, self.nlayers = ntoken, nhid, nlayers
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError('When using the tied flag, nhid must be equal to emsize')
            self.decoder.weight = self.encoder.weight
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        decoded = self.decoder(self.drop(output)).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        return (torch.zeros(self.nlayers, bsz, self.nhid), torch.zeros(self.nlayers, bsz, self.nhid))


ntokens = len(corpus.idx2word)
model = RNNModel(ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied)
criterion = nn.NLLLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)


def get_batch(source, i):
    seq_len = min(args.bptt, len(source) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].reshape(-1)


def evaluate(data_source):
    model.eval()
    total = 0.
    hidden = model.init_hidden(eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, args.bptt):
            data, targets = get_batch(data_source, i)
            output, hidden = model(data, hidden)
            total += len(data) * criterion(output, targets).item()
    return total / (len(data_source) - 1)


def train(epoch, lr):
    model.train()
    total_loss, start = 0., time.time()
    hidden = model.init_hidden(args.batch_size)
    nbatches = len(train_data) // args.bptt
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        if args.max_batches and batch >= args.max_batches:
            break
        data, targets = get_batch(train_data, i)
        hidden = tuple(h.detach() for h in hidden)  # truncated BPTT
        optimizer.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        total_loss += loss.item()
        if batch % args.log_interval == 0 and batch > 0:
            cur = total_loss / args.log_interval
            ms = (time.time() - start) * 1000 / args.log_interval
            print('| epoch {:3d} | {:5d}/{:5d} batches | lr {:02.2f} | ms/batch {:5.2f} | loss {:5.2f} | ppl {:8.2f}'.format(
                epoch, batch, nbatches, lr, ms, cur, math.exp(cur)))
            total_loss, start = 0., time.time()


lr, best_val = args.lr, None
for epoch in range(1, args.epochs + 1):
    epoch_start = time.time()
    train(epoch, lr)
    val_loss = evaluate(val_data)
    print('-' * 89)
    print('| end of epoch {:3d} | time: {:5.2f}s | valid loss {:5.2f} | valid ppl {:8.2f}'.format(
        epoch, time.time() - epoch_start, val_loss, math.exp(val_loss)))
    print('-' * 89)
    if best_val is None or val_loss < best_val:
        best_val = val_loss
    else:
        lr /= 4.0  # anneal on plateau
        for g in optimizer.param_groups:
            g['lr'] = lr
test_loss = evaluate(test_data)
print('=' * 89)
print('| End of training | test loss {:5.2f} | test ppl {:8.2f}'.format(test_loss, math.exp(test_loss)))
print('=' * 89)
