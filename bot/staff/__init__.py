"""What the staff chat receives: the monthly post, its texts and files, closed months."""
