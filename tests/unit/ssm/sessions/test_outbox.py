"""Frames handed to the writing thread in batches, in order, the close after them."""

from localstack_ssm_docker.ssm.sessions.outbox import Outbox


class WritingThread:
    """Runs what was handed over when the test says (as the reactor's next turn would)."""

    def __init__(self):
        self.handed_over = []
        self.written = []

    def hand_over(self, action):
        self.handed_over.append(action)

    def turn(self):
        actions, self.handed_over = self.handed_over, []
        for action in actions:
            action()


def _outbox(thread):
    return Outbox(
        thread.hand_over,
        thread.written.append,
        lambda code, reason: thread.written.append(("close", code, reason)),
    )


def test_frames_queued_before_the_writing_thread_turns_go_in_one_hand_over_in_order():
    thread = WritingThread()
    outbox = _outbox(thread)
    for data in (b"one", b"two", b"three"):
        outbox.send(data)
    assert len(thread.handed_over) == 1
    assert thread.written == []
    thread.turn()
    assert thread.written == [b"one", b"two", b"three"]


def test_a_frame_after_a_turn_is_handed_over_again():
    thread = WritingThread()
    outbox = _outbox(thread)
    outbox.send(b"first")
    thread.turn()
    outbox.send(b"second")
    assert len(thread.handed_over) == 1
    thread.turn()
    assert thread.written == [b"first", b"second"]


def test_the_close_follows_the_frames_sent_before_it():
    thread = WritingThread()
    outbox = _outbox(thread)
    outbox.send(b"last output")
    outbox.close(1000, None)
    outbox.send(b"after the close")
    thread.turn()
    assert thread.written == [b"last output", ("close", 1000, None), b"after the close"]


def test_a_frame_queued_while_the_writing_thread_writes_is_handed_over_again():
    thread = WritingThread()
    written_during = []

    def write(data):
        thread.written.append(data)
        if data == b"one":
            outbox.send(b"two")  # another thread's frame, mid-write
            written_during.append(len(thread.handed_over))

    outbox = Outbox(thread.hand_over, write, lambda code, reason: None)
    outbox.send(b"one")
    thread.turn()
    assert written_during == [1]
    thread.turn()
    assert thread.written == [b"one", b"two"]
