"""The channel layer's Redis protocol: commands as Redis reads them, replies however their bytes
are cut."""

from __future__ import annotations

import pytest

from rooms.resp import RedisAddress, RedisReplyError, ReplyParser, command

#: A subscribe confirmation, a published message whose payload holds CRLF, a null bulk
#: string, an integer, a simple string, an error, a null array and a nested array.
STREAM = (
    b"*3\r\n$9\r\nsubscribe\r\n$4\r\nroom\r\n:1\r\n"
    b"*3\r\n$7\r\nmessage\r\n$4\r\nroom\r\n$6\r\na\r\nb\r\n\r\n"
    b"$-1\r\n"
    b":42\r\n"
    b"+OK\r\n"
    b"-ERR unknown command\r\n"
    b"*-1\r\n"
    b"*2\r\n*1\r\n:1\r\n$0\r\n\r\n"
)


def _expected() -> list:
    return [
        [b"subscribe", b"room", 1],
        [b"message", b"room", b"a\r\nb\r\n"],
        None,
        42,
        "OK",
        "error",
        None,
        [[1], b""],
    ]


def _plain(replies: list) -> list:
    return ["error" if isinstance(r, RedisReplyError) else r for r in replies]


def test_a_command_is_an_array_of_bulk_strings():
    assert command("PUBLISH", "g", b"\x00\r\n") == (
        b"*3\r\n$7\r\nPUBLISH\r\n$1\r\ng\r\n$3\r\n\x00\r\n\r\n"
    )


def test_replies_fed_at_once_are_parsed_in_order():
    replies = ReplyParser().feed(STREAM)
    assert _plain(replies) == _expected()
    assert str(replies[5]) == "ERR unknown command"


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_replies_cut_anywhere_come_out_whole_once_complete(size):
    parser = ReplyParser()
    replies = []
    for start in range(0, len(STREAM), size):
        replies += parser.feed(STREAM[start : start + size])
    assert _plain(replies) == _expected()


def test_a_reply_cut_inside_waits_for_its_end():
    parser = ReplyParser()
    assert parser.feed(b"*3\r\n$7\r\nmessage\r\n$4\r\nro") == []
    assert parser.feed(b"om\r\n$2\r\nhi") == []
    assert parser.feed(b"\r\n:5") == [[b"message", b"room", b"hi"]]
    assert parser.feed(b"\r\n") == [5]


def test_bytes_that_are_not_resp_raise():
    with pytest.raises(ConnectionError):
        ReplyParser().feed(b"HTTP/1.1 400 Bad Request\r\n")


def test_an_address_comes_from_the_url():
    assert RedisAddress.parse("redis://127.0.0.1:6379/0") == RedisAddress()
    assert RedisAddress.parse("rediss://ann:p%40ss@cache.example:6380/3") == RedisAddress(
        host="cache.example", port=6380, db=3, username="ann", password="p@ss", tls=True
    )
    assert RedisAddress.parse("redis://:secret@localhost") == RedisAddress(
        host="localhost", password="secret"
    )
    with pytest.raises(ValueError):
        RedisAddress.parse("http://localhost:6379/0")
